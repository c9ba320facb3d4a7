/**
 * `--signal=B:USR1@N` asks Slurm to warn the job N seconds before its time limit, so the workers
 * checkpoint and the job requeues. A lead time as long as the limit fires at once (or never).
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { pointer } from "./support/pointer.js";

export const slurmSignalBeforeTimeCode: CodeInfo = {
  code: "AL4102",
  severity: "error",
  title: "Slurm signal lead time not shorter than the time limit",
  description:
    "`signal_before` is how long before `time` runs out Slurm sends USR1 so the workers " +
    "checkpoint and the job requeues; it must be shorter than `time` (a tenth of it is usual).",
  example: 'launch slurm { time = 10m  signal_before = 10m }\n',
};

export const slurmSignalBeforeTimeRule: Rule = {
  name: "SlurmSignalBeforeTime",
  codes: [slurmSignalBeforeTimeCode.code],
  check(context) {
    const slurm = context.plan.launch.slurm;
    if (!slurm || slurm.signal_before < slurm.time) return [];
    const suggested = Math.max(1, Math.floor(slurm.time / 10));
    const span = context.spanOf(pointer("launch", "slurm", "signal_before"));
    const explicit = context.plan.provenance[pointer("launch", "slurm", "signal_before")] !== "default";
    return [
      context.diagnostic(slurmSignalBeforeTimeCode.code, span, `\`signal_before\` (${slurm.signal_before} s) is not shorter than the job's \`time\` (${slurm.time} s): the checkpoint signal would never come in time`, {
        help: `use \`signal_before = ${suggested}s\` (a tenth of \`time\`)`,
        ...(span && explicit ? { fix: { title: `use \`${suggested}s\``, edits: [{ span, newText: `${suggested}s` }] } } : {}),
      }),
    ];
  },
};
