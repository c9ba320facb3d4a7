import { describe, expect, it } from "vitest";
import { parseProcCgroup } from "../../runtime/sandbox/cgroup.js";
import { parseSandboxInit } from "../../runtime/sandbox/teardown.js";

describe("parseProcCgroup", () => {
  it("maps each controller of a v1 line, and the v2 line to the empty name", () => {
    const paths = parseProcCgroup("9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/user.slice\n");
    expect(paths.get("memory")).toBe("/process_api/abc");
    expect(paths.get("cpu")).toBe("/x");
    expect(paths.get("cpuacct")).toBe("/x");
    expect(paths.get("")).toBe("/user.slice");
    expect(paths.has("pids")).toBe(false);
  });
});

describe("parseSandboxInit", () => {
  it("reads the host pid of the sandbox's pid 1 and its pid namespace from bwrap's status", () => {
    const status = '{ "child-pid": 16286, "cgroup-namespace": 4026532179, "pid-namespace": 4026532178 }\n{ "exit-code": 0 }\n';
    expect(parseSandboxInit(status)).toEqual({ pid: 16286, pidNamespace: 4026532178 });
    expect(parseSandboxInit('{ "exit-code": 0 }')).toBeNull();
    expect(parseSandboxInit("")).toBeNull();
  });
});
