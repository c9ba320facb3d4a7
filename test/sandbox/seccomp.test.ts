import { describe, expect, it } from "vitest";
import { DENIED_SYSCALLS, seccompProgram } from "../../runtime/sandbox/seccomp.js";

/** Decode a little-endian classic BPF program into [code, jt, jf, k] rows. */
function decode(program: Buffer): Array<[number, number, number, number]> {
  const rows: Array<[number, number, number, number]> = [];
  for (let at = 0; at < program.length; at += 8) rows.push([program.readUInt16LE(at), program.readUInt8(at + 2), program.readUInt8(at + 3), program.readUInt32LE(at + 4)]);
  return rows;
}

describe("seccompProgram", () => {
  it("checks the architecture, then jumps every denied number to EPERM, allowing the rest", () => {
    const rows = decode(seccompProgram("x64")!);
    expect(rows[0]).toEqual([0x20, 0, 0, 4]); // load arch
    expect(rows[1]).toEqual([0x15, 1, 0, 0xc000003e]); // x86_64?
    expect(rows[2]).toEqual([0x06, 0, 0, 0x80000000]); // else kill the process
    expect(rows[3]).toEqual([0x20, 0, 0, 0]); // load the syscall number
    expect(rows[4]).toEqual([0x35, DENIED_SYSCALLS.length + 1, 0, 0x40000000]); // x32 ABI → deny
    expect(rows.at(-2)).toEqual([0x06, 0, 0, 0x7fff0000]); // allow
    expect(rows.at(-1)).toEqual([0x06, 0, 0, 0x00050001]); // EPERM
    const denyIndex = rows.length - 1;
    rows.slice(4, -2).forEach(([code, jt], i) => {
      expect([0x15, 0x35]).toContain(code);
      expect(4 + i + 1 + jt).toBe(denyIndex);
    });
    const numbers = rows.slice(5, -2).map((row) => row[3]);
    for (const nr of [101, 250, 321, 298, 323, 425, 165, 272]) expect(numbers).toContain(nr); // ptrace, keyctl, bpf, perf, userfaultfd, io_uring, mount, unshare
  });

  it("has an aarch64 table and none for other architectures", () => {
    const rows = decode(seccompProgram("arm64")!);
    expect(rows[1]![3]).toBe(0xc00000b7);
    expect(rows.slice(4, -2).map((r) => r[3])).toContain(117); // ptrace on aarch64
    expect(seccompProgram("ia32")).toBeNull();
  });
});
