/**
 * A small seccomp deny-list for the sandbox, as the classic BPF program bwrap's `--seccomp`
 * loads. Namespaces share the host kernel; these system calls are rarely needed by test code
 * and are where kernel exploits usually start (debugging other processes, the keyring, eBPF,
 * perf, userfaultfd, io_uring, mounting, new namespaces, modules). They fail with EPERM.
 * A system call through another ABI's table cannot bypass the list: another architecture
 * (i386's int 0x80 on x86_64) kills the process, and x32-numbered calls all fail with EPERM.
 */
import { endianness } from "node:os";

/** Syscall numbers: [x86_64, aarch64] (from asm/unistd_64.h and asm-generic/unistd.h). */
const DENIED: Readonly<Record<string, readonly [number, number]>> = {
  ptrace: [101, 117],
  process_vm_readv: [310, 270],
  process_vm_writev: [311, 271],
  keyctl: [250, 219],
  add_key: [248, 217],
  request_key: [249, 218],
  bpf: [321, 280],
  perf_event_open: [298, 241],
  userfaultfd: [323, 282],
  io_uring_setup: [425, 425],
  io_uring_enter: [426, 426],
  io_uring_register: [427, 427],
  kexec_load: [246, 104],
  kexec_file_load: [320, 294],
  init_module: [175, 105],
  finit_module: [313, 273],
  delete_module: [176, 106],
  mount: [165, 40],
  umount2: [166, 39],
  pivot_root: [155, 41],
  unshare: [272, 97],
  setns: [308, 268],
  open_by_handle_at: [304, 265],
  name_to_handle_at: [303, 264],
  open_tree: [428, 428],
  move_mount: [429, 429],
  fsopen: [430, 430],
  fsconfig: [431, 431],
  fsmount: [432, 432],
  fspick: [433, 433],
  mount_setattr: [442, 442],
};

interface Arch {
  readonly audit: number;
  readonly column: 0 | 1;
  /** x86_64 also accepts x32 calls (number | 0x40000000) through the same entry. */
  readonly x32Bit: boolean;
}

const ARCHES: Readonly<Record<string, Arch>> = {
  x64: { audit: 0xc000003e, column: 0, x32Bit: true },
  arm64: { audit: 0xc00000b7, column: 1, x32Bit: false },
};

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const RET_KILL_PROCESS = 0x80000000;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO_EPERM = 0x00050000 | 1;
const X32_SYSCALL_BIT = 0x40000000;
/** Offsets in struct seccomp_data. */
const NR_OFFSET = 0;
const ARCH_OFFSET = 4;

interface Insn {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

function encode(program: readonly Insn[]): Buffer {
  const out = Buffer.alloc(program.length * 8);
  const little = endianness() === "LE";
  program.forEach((insn, i) => {
    const at = i * 8;
    if (little) out.writeUInt16LE(insn.code, at);
    else out.writeUInt16BE(insn.code, at);
    out.writeUInt8(insn.jt, at + 2);
    out.writeUInt8(insn.jf, at + 3);
    if (little) out.writeUInt32LE(insn.k >>> 0, at + 4);
    else out.writeUInt32BE(insn.k >>> 0, at + 4);
  });
  return out;
}

/** The filter for this machine's architecture, or null where we have no syscall table. */
export function seccompProgram(arch: string = process.arch): Buffer | null {
  const spec = ARCHES[arch];
  if (spec === undefined) return null;
  const numbers = Object.values(DENIED).map((pair) => pair[spec.column]);
  const checks: Array<{ code: number; k: number }> = [
    ...(spec.x32Bit ? [{ code: JGE_K, k: X32_SYSCALL_BIT }] : []),
    ...numbers.map((k) => ({ code: JEQ_K, k })),
  ];
  const head: Insn[] = [
    { code: LD_W_ABS, jt: 0, jf: 0, k: ARCH_OFFSET },
    { code: JEQ_K, jt: 1, jf: 0, k: spec.audit },
    { code: RET_K, jt: 0, jf: 0, k: RET_KILL_PROCESS },
    { code: LD_W_ABS, jt: 0, jf: 0, k: NR_OFFSET },
  ];
  // Each check jumps forward over the remaining checks and the ALLOW to the final DENY.
  const body: Insn[] = checks.map((check, i) => ({ ...check, jt: checks.length - i, jf: 0 }));
  const tail: Insn[] = [
    { code: RET_K, jt: 0, jf: 0, k: RET_ALLOW },
    { code: RET_K, jt: 0, jf: 0, k: RET_ERRNO_EPERM },
  ];
  return encode([...head, ...body, ...tail]);
}

/** The names of the denied system calls (for the docs and the tests). */
export const DENIED_SYSCALLS: readonly string[] = Object.keys(DENIED);
