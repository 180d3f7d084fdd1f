import { describe, expect, test } from "bun:test";
import { createRequest, type RemotingError } from "../../src/index.ts";
import { useHarness } from "../helpers/harness.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";
import { Random } from "../helpers/random.ts";

const h = useHarness();

/** Lets the rejections of calls the scan failed reach their handlers. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A client on a driven clock, connected to a server that never answers: the deadlines are the calls' own. */
async function connectedOnDrivenClock(scanIntervalMs: number) {
  const timers = new ManualTimers();
  const silent = await h.rawServer();
  const client = h.client({ timers, scanIntervalMs, closeSocketIfTimeout: false }); // (Java's rule would close the connection at the first timeout)
  const addr = `127.0.0.1:${silent.port}`;
  await client.invokeOneway(addr, createRequest(1), 1000);
  return { timers, client, addr };
}

describe("deadlines on a driven clock", () => {
  test("no call fails before its deadline, and each fails within one scan spacing after it", async () => {
    const { timers, client, addr } = await connectedOnDrivenClock(1000);
    const rng = new Random(3);
    const failedAt = new Map<number, number>();
    const deadlines: number[] = [];
    for (let i = 0; i < 300; i++) {
      const timeoutMs = rng.int(5, 3000);
      deadlines.push(timers.now() + timeoutMs);
      client.invokeSync(addr, createRequest(1), timeoutMs).then(
        () => failedAt.set(i, -1),
        (error: RemotingError) => failedAt.set(i, error.code === "ERR_REMOTING_TIMEOUT" ? timers.now() : -2),
      );
    }
    const start = timers.now();
    for (let t = 1; t <= 3100; t++) {
      timers.advance(1);
      await settle();
      for (let i = 0; i < deadlines.length; i++) {
        const at = failedAt.get(i);
        if (at === undefined) continue;
        expect(at).toBeGreaterThanOrEqual(deadlines[i]!); // never early (and a timeout, not something else)
        expect(at - deadlines[i]!).toBeLessThanOrEqual(10); // the scan spacing
      }
      if (failedAt.size === deadlines.length) break;
    }
    expect(failedAt.size).toBe(300);
    expect(timers.now() - start).toBeLessThanOrEqual(3015);
    expect(client.stats.pendingCalls).toBe(0);
  });

  test("a deadline counts from the end of the synchronous code that made the call", async () => {
    const { timers, client, addr } = await connectedOnDrivenClock(10);
    let failedAt = -1;
    void client.invokeSync(addr, createRequest(1), 100).catch(() => (failedAt = timers.now()));
    timers.advance(500); // the rest of the turn: a long one
    await settle();
    const turnEnded = timers.now();
    for (let t = 1; t < 100; t++) {
      timers.advance(1);
      await settle();
    }
    expect(failedAt).toBe(-1); // 599 ms after the call, 99 after its turn ended
    for (let t = 0; t <= 10 && failedAt === -1; t++) {
      timers.advance(1);
      await settle();
    }
    expect(failedAt - turnEnded).toBeGreaterThanOrEqual(100);
    expect(failedAt - turnEnded).toBeLessThanOrEqual(110); // within the scan spacing
  });

  test("a call made by the callback of a call the scan timed out is not timed out by that scan, even on a recycled call object", async () => {
    const { timers, client, addr } = await connectedOnDrivenClock(10);
    const shared = new AbortController();
    const outcomes: string[] = [];
    let madeAt = NaN;
    let laterFailedAt = NaN;
    const first = (error: RemotingError | null) => {
      outcomes.push(error?.code ?? "answered");
      if (outcomes.length > 1) return;
      shared.abort(); // ends the other call: its object goes back to the pool, for the call made next
      madeAt = timers.now();
      client.invokeAsync(addr, createRequest(2), 2000, () => (laterFailedAt = timers.now()));
    };
    client.invokeAsync(addr, createRequest(1), { timeoutMs: 50, signal: shared.signal }, first);
    client.invokeAsync(addr, createRequest(1), { timeoutMs: 50, signal: shared.signal }, first);
    await settle();
    for (let t = 0; t < 100; t++) {
      timers.advance(1);
      await settle();
    }
    expect(outcomes).toEqual(["ERR_REMOTING_TIMEOUT", "ERR_REMOTING_ABORTED"]);
    expect(laterFailedAt).toBeNaN(); // before the mend: timed out by the scan that ran its maker's callback
    for (let t = 0; t < 2100 && Number.isNaN(laterFailedAt); t += 10) {
      timers.advance(10);
      await settle();
    }
    expect(laterFailedAt - madeAt).toBeGreaterThanOrEqual(2000);
    expect(laterFailedAt - madeAt).toBeLessThanOrEqual(2030);
  });

  test("one timer for the endpoint however many calls are pending", async () => {
    const timers = new ManualTimers();
    const silent = await h.rawServer();
    const client = h.client({ timers });
    const addr = `127.0.0.1:${silent.port}`;
    const calls = Array.from({ length: 100 }, (_, i) => client.invokeSync(addr, createRequest(1), 100 + i).catch(() => "failed"));
    await Promise.resolve(); // the deadlines count from the end of the synchronous code that made the calls
    expect(timers.armed).toBe(1);
    timers.advance(300);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 100 }, () => "failed"));
    expect(timers.armed).toBe(1); // the periodic scan, re-armed
  });
});
