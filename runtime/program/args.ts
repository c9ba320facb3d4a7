/** The generated program's command line (docs/bundle.md, "Running a bundle"). */

export interface ProgramArgs {
  readonly launcher: string;
  readonly stage?: string;
  readonly runDir?: string;
  readonly baseDir?: string;
  readonly python?: string;
  readonly restart: boolean;
  readonly allowDrift: boolean;
  /** Pre-flight skips its request to each LLM endpoint. */
  readonly noEndpointCheck: boolean;
  readonly help: boolean;
}

export class ArgsError extends Error {}

const VALUED = { "--launcher": "launcher", "--stage": "stage", "--run-dir": "runDir", "--base-dir": "baseDir", "--python": "python" } as const;
const FLAGS = { "--restart": "restart", "--allow-drift": "allowDrift", "--no-endpoint-check": "noEndpointCheck", "--help": "help", "-h": "help" } as const;

export const USAGE = "usage: node main.js [--launcher local] [--stage S] [--run-dir DIR] [--base-dir DIR] " +
  "[--python PATH] [--restart] [--allow-drift] [--no-endpoint-check]";

/** Parses `--name value`, `--name=value` and the boolean flags; anything else is an ArgsError. */
export function parseArgs(argv: readonly string[]): ProgramArgs {
  const out: Record<string, string | boolean> = { launcher: "local", restart: false, allowDrift: false, noEndpointCheck: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (Object.hasOwn(VALUED, name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") throw new ArgsError(`${name} needs a value`);
      out[VALUED[name as keyof typeof VALUED]] = value;
    } else if (Object.hasOwn(FLAGS, name) && inline === undefined) {
      out[FLAGS[name as keyof typeof FLAGS]] = true;
    } else {
      throw new ArgsError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return out as unknown as ProgramArgs;
}
