/**
 * The fast path's name table (grammar/names.ts): one string per distinct name, told apart by
 * their characters even when their hashes collide, and still so after the table grows.
 */
import { describe, expect, it } from "vitest";
import { NameTable } from "../../grammar/names.js";

function hashOf(name: string): number {
  let hash = NameTable.hashStart;
  for (let i = 0; i < name.length; i++) hash = NameTable.hashStep(hash, name.charCodeAt(i));
  return hash;
}

describe("NameTable", () => {
  it("answers a name written twice with the string it kept the first time", () => {
    const text = "model policy model";
    const table = new NameTable(text.length);
    const first = table.nameAt(text, 0, 5, hashOf("model"));
    const again = table.nameAt(text, 13, 18, hashOf("model"));
    expect(first).toBe("model");
    expect(again).toBe(first);
    expect(table.nameAt(text, 6, 12, hashOf("policy"))).toBe("policy");
  });

  it("tells names apart by their characters when their hashes collide", () => {
    const text = "ab ba abc";
    const table = new NameTable(text.length);
    // One hash for all three: each must still come back as its own text.
    expect(table.nameAt(text, 0, 2, 7)).toBe("ab");
    expect(table.nameAt(text, 3, 5, 7)).toBe("ba");
    expect(table.nameAt(text, 6, 9, 7)).toBe("abc");
    expect(table.nameAt(text, 3, 5, 7)).toBe("ba");
  });

  it("keeps every name through growing past its first size", () => {
    const names = Array.from({ length: 5000 }, (_, i) => `name_${i}`);
    const text = names.join(" ");
    const starts: number[] = [];
    names.reduce((start, name) => (starts.push(start), start + name.length + 1), 0);
    const table = new NameTable(0);
    const at = (i: number) => table.nameAt(text, starts[i]!, starts[i]! + names[i]!.length, hashOf(names[i]!));
    const kept = names.map((_, i) => at(i));
    expect(kept).toEqual(names);
    for (const i of [0, 1023, 2500, 4999]) expect(at(i)).toBe(kept[i]);
  });
});
