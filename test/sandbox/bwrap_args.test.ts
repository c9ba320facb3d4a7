import { describe, expect, it } from "vitest";
import { backstopSeconds, bwrapArgs, checkFileName, prlimitArgs, sandboxEnv, WORK_DIR, type HostLayout } from "../../runtime/sandbox/bwrap_args.js";
import { DEFAULT_LIMITS } from "../../runtime/sandbox/types.js";

const layout: HostLayout = {
  roots: [
    { path: "/bin", kind: "symlink", target: "usr/bin" },
    { path: "/lib", kind: "symlink", target: "usr/lib" },
    { path: "/lib64", kind: "dir" },
  ],
  etcPaths: ["/etc/ld.so.cache"],
  disableUserns: true,
};

function args(overrides: Partial<Parameters<typeof bwrapArgs>[0]> = {}): string[] {
  return bwrapArgs({
    layout,
    limits: DEFAULT_LIMITS,
    env: sandboxEnv(),
    argv: ["/usr/bin/python3", "main.py"],
    files: [{ fd: 5, name: "main.py" }],
    statusFd: 4,
    prlimitPath: "/usr/bin/prlimit",
    initPath: "/tmp/align-sandbox-init-x/init",
    readOnlyPaths: [],
    ...overrides,
  });
}

/** The positions of a flag followed by its operands, as joined strings. */
function has(list: string[], ...seq: string[]): boolean {
  return list.some((_, i) => seq.every((s, j) => list[i + j] === s));
}

describe("bwrapArgs", () => {
  it("isolates every namespace, including a new user namespace without nested ones", () => {
    const a = args();
    for (const flag of ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"]) {
      expect(a).toContain(flag);
    }
    expect(a).not.toContain("--share-net");
    expect(has(a, "--uid", "1000")).toBe(true);
  });

  it("leaves out --disable-userns where bwrap does not know it", () => {
    expect(args({ layout: { ...layout, disableUserns: false } })).not.toContain("--disable-userns");
  });

  it("binds only /usr, the root links and the loader cache, all read-only", () => {
    const a = args();
    expect(has(a, "--ro-bind", "/usr", "/usr")).toBe(true);
    expect(has(a, "--symlink", "usr/bin", "/bin")).toBe(true);
    expect(has(a, "--ro-bind", "/lib64", "/lib64")).toBe(true);
    expect(has(a, "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache")).toBe(true);
    expect(a).not.toContain("--bind");
    expect(a).not.toContain("--dev-bind");
    // Nothing of /root, /home or /tmp, except the one execute-only init file (init.ts).
    expect(a.join(" ").replace("/tmp/align-sandbox-init-x/init /sandbox-init", "")).not.toMatch(/\/root|\/home|\/tmp/);
  });

  it("mounts a size-limited tmpfs work dir, read-only /dev, and remounts / read-only after the mounts", () => {
    const a = args();
    expect(has(a, "--size", String(DEFAULT_LIMITS.workDirBytes), "--tmpfs", WORK_DIR)).toBe(true);
    expect(has(a, "--dev", "/dev", "--remount-ro", "/dev")).toBe(true);
    const remount = a.findIndex((x, i) => x === "--remount-ro" && a[i + 1] === "/");
    const lastMount = Math.max(a.lastIndexOf("--file"), a.lastIndexOf("--tmpfs"), a.lastIndexOf("--ro-bind"));
    expect(remount).toBeGreaterThan(lastMount);
    expect(has(a, "--file", "5", `${WORK_DIR}/main.py`)).toBe(true);
    expect(has(a, "--json-status-fd", "4")).toBe(true);
  });

  it("sets only the fixed environment, then the limits, then its own execute-only init with the wall-clock backstop", () => {
    const a = args({ env: sandboxEnv({ PYTHONHASHSEED: "0" }) });
    const names = a.flatMap((x, i) => (x === "--setenv" ? [a[i + 1]] : []));
    expect(names.sort()).toEqual(["HOME", "LANG", "PATH", "PYTHONHASHSEED", "TMPDIR", "TZ"]);
    const sep = a.indexOf("--");
    // prlimit first: nothing in the sandbox, the init included, runs without the limits.
    expect(a[sep + 1]).toBe("/usr/bin/prlimit");
    expect(a).toContain(`--nproc=${DEFAULT_LIMITS.processes + 1}`);
    // No bwrap init inside: pid 1 is the bound copy of timeout, 2 s after the host's own kill.
    expect(a).toContain("--as-pid-1");
    expect(has(a, "--ro-bind", "/tmp/align-sandbox-init-x/init", "/sandbox-init")).toBe(true);
    const init = a.indexOf("/sandbox-init", sep);
    expect(a.slice(init, init + 3)).toEqual(["/sandbox-init", "--signal=KILL", "12s"]);
    expect(a.slice(-2)).toEqual(["/usr/bin/python3", "main.py"]);
  });

  it("runs a program that is its own init as pid 1 right after prlimit, with no process for the init", () => {
    const a = args({ programIsInit: true });
    const sep = a.indexOf("--");
    expect(a.slice(sep + 1, sep + 2)).toEqual(["/usr/bin/prlimit"]);
    expect(a).toContain(`--nproc=${DEFAULT_LIMITS.processes}`);
    expect(a.indexOf("/sandbox-init", sep)).toBe(-1);
    expect(a.slice(a.indexOf("--", sep + 1) + 1)).toEqual(["/usr/bin/python3", "main.py"]);
    expect(backstopSeconds(10_000)).toBe(12);
  });

  it("makes the sandbox wait on the gate fd when there is one (cgroup join), and not otherwise", () => {
    expect(has(args({ blockFd: 7 }), "--block-fd", "7")).toBe(true);
    expect(args()).not.toContain("--block-fd");
  });

  it("loads the seccomp filter from its fd when there is one", () => {
    expect(has(args({ seccompFd: 5, files: [{ fd: 6, name: "main.py" }] }), "--seccomp", "5")).toBe(true);
    expect(args()).not.toContain("--seccomp");
  });

  it("rejects file names that could leave the work dir", () => {
    for (const bad of ["../x", "/etc/passwd", "a/b", "", ".hidden"]) expect(() => checkFileName(bad)).toThrow();
    expect(() => checkFileName("solution.py")).not.toThrow();
    expect(() => args({ files: [{ fd: 5, name: "../escape" }] })).toThrow();
  });

  it("rejects malformed environment names", () => {
    expect(() => sandboxEnv({ "A=B": "x" })).toThrow();
    expect(() => sandboxEnv({ OK: "a\0b" })).toThrow();
  });
});

describe("prlimitArgs", () => {
  it("sets CPU (hard = soft + 1), address space, processes, file size, open files and no core dumps", () => {
    const a = prlimitArgs("/usr/bin/prlimit", { ...DEFAULT_LIMITS, cpuSeconds: 2.5, memoryBytes: 1 << 28, processes: 8 });
    expect(a).toEqual([
      "/usr/bin/prlimit",
      "--cpu=3:4",
      `--as=${1 << 28}`,
      "--nproc=8",
      `--fsize=${DEFAULT_LIMITS.fileSizeBytes}`,
      `--nofile=${DEFAULT_LIMITS.openFiles}`,
      "--core=0",
      "--",
    ]);
  });
});
