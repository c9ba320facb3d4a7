import { describe, expect, it } from "vitest";
import { Pool } from "../../../runtime/judges/pool.js";

describe("Pool", () => {
  it("runs a synchronous task eagerly when a slot is free, returning its value directly", () => {
    const pool = new Pool(1);
    expect(pool.runEager(() => 42)).toBe(42);
    expect(pool.running).toBe(0);
  });

  it("holds the slot until an asynchronous task settles, and queues behind it", async () => {
    const pool = new Pool(1);
    let release!: () => void;
    const first = pool.runEager(() => new Promise<string>((resolve) => (release = () => resolve("first"))));
    const second = pool.runEager(() => "second");
    expect(second).toBeInstanceOf(Promise);
    expect(pool.running).toBe(1);
    expect(pool.queued).toBe(1);
    release();
    expect(await first).toBe("first");
    expect(await second).toBe("second");
    expect(pool.maxObserved).toBe(1);
    expect(pool.running).toBe(0);
  });

  it("releases the slot when a task throws or rejects", async () => {
    const pool = new Pool(1);
    expect(() => pool.runEager(() => { throw new Error("sync"); })).toThrow("sync");
    await expect(pool.runEager(() => Promise.reject(new Error("async")))).rejects.toThrow("async");
    await expect(pool.run(() => { throw new Error("run"); })).rejects.toThrow("run");
    expect(pool.running).toBe(0);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => new Pool(0)).toThrow(/positive integer/);
  });
});
