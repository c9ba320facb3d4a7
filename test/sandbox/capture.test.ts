import { describe, expect, it } from "vitest";
import { BoundedCapture } from "../../runtime/sandbox/capture.js";

describe("BoundedCapture", () => {
  it("keeps everything below the limit", () => {
    const c = new BoundedCapture(10, 4);
    c.push(Buffer.from("hello"));
    c.push(Buffer.from("abc"));
    expect(c.text()).toBe("helloabc");
    expect(c.truncated).toBe(false);
    expect(c.total).toBe(8);
  });

  it("keeps the head and the tail of a long stream, and says how much was dropped", () => {
    const c = new BoundedCapture(4, 3);
    for (const piece of ["abcd", "efgh", "ijkl", "mn"]) c.push(Buffer.from(piece));
    expect(c.total).toBe(14);
    expect(c.truncated).toBe(true);
    expect(c.text()).toBe("abcd\n[... 7 bytes omitted ...]\nlmn");
    expect(c.lastText(2)).toBe("mn");
  });

  it("fills the tail without a marker when nothing was dropped", () => {
    const c = new BoundedCapture(3, 3);
    c.push(Buffer.from("abcdef"));
    expect(c.truncated).toBe(false);
    expect(c.text()).toBe("abcdef");
  });

  it("stays bounded whatever is pushed", () => {
    const c = new BoundedCapture(1024, 256);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 2000; i++) c.push(chunk);
    expect(c.total).toBe(2000 * 64 * 1024);
    expect(c.text().length).toBeLessThan(1024 + 256 + 100);
  });
});
