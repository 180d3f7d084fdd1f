import { expect, test } from "bun:test";
import { createRequest, RemotingError, type RemotingCommand } from "../../src/index.ts";
import { addrOf, echo, sleep, useHarness, within } from "../helpers/harness.ts";
import { Random } from "../helpers/random.ts";

// Graceful shutdown under load: clients keep calling while the server shuts down. Every
// request whose processor started is answered (shutdown waits for it); every call, before, during
// and after, settles exactly once: answered, or failed with a typed RemotingError. None vanish.

const WORK = 30;
const CLIENTS = 4;
const IN_FLIGHT = 32;

const h = useHarness();

interface Call {
  settled: number;
  response: RemotingCommand | null;
  error: Error | null;
}

for (const goAwayOnShutdown of [false, true]) {
  test(`shutdown under load (goAwayOnShutdown ${goAwayOnShutdown}): every started request answered, every call settled once`, async () => {
    const rng = new Random(goAwayOnShutdown ? 2 : 1);
    const started = new Set<string>();
    let shuttingDown = false;
    let startedBeforeShutdown = 0;
    const server = await h.server({ shutdownTimeoutMs: 5000, goAwayOnShutdown }, (s) =>
      s.registerProcessor(WORK, async (ctx, req) => {
        started.add(req.extFields!.id!);
        if (!shuttingDown) startedBeforeShutdown++;
        await sleep(rng.int(0, 30));
        return echo(ctx, req);
      }),
    );
    const addr = addrOf(server);
    const calls = new Map<string, Call>();
    let pumping = true;
    let nextId = 0;
    let outstanding = 0;
    let allSettled!: () => void;
    const settledPromise = new Promise<void>((r) => (allSettled = r));
    const clients = Array.from({ length: CLIENTS }, () => h.client({ connectTimeoutMs: 500 }));
    const send = (client: (typeof clients)[number]): void => {
      const id = String(nextId++);
      const call: Call = { settled: 0, response: null, error: null };
      calls.set(id, call);
      outstanding++;
      client.invokeAsync(addr, createRequest(WORK, { extFields: { id } }), 10_000, (error, response) => {
        call.settled++;
        call.error = error;
        call.response = response ?? null;
        outstanding--;
        if (pumping) setTimeout(() => send(client), error === null ? 0 : 5);
        else if (outstanding === 0) allSettled();
      });
    };
    for (const client of clients) for (let i = 0; i < IN_FLIGHT; i++) send(client);

    await sleep(300);
    shuttingDown = true;
    const shutdown = server.shutdown();
    await sleep(200); // calls keep coming while the server drains
    pumping = false;
    await within(shutdown, 8000, "shutdown");
    if (outstanding > 0) await within(settledPromise, 5000, "every call to settle");
    await sleep(50);

    let answered = 0;
    let goAway = 0;
    const failures = new Map<string, number>();
    for (const [id, call] of calls) {
      expect(call.settled).toBe(1);
      if (call.error !== null) {
        expect(call.error).toBeInstanceOf(RemotingError);
        const code = (call.error as RemotingError).code;
        failures.set(code, (failures.get(code) ?? 0) + 1);
        expect(started.has(id)).toBe(false); // a request whose processor ran was answered
      } else if (call.response!.code === 0) {
        answered++;
        expect(call.response!.extFields!.id).toBe(id);
      } else {
        goAway++;
        expect(call.response!.code).toBe(1500);
      }
    }
    expect(answered).toBe(started.size);
    expect(startedBeforeShutdown).toBeGreaterThan(0);
    // And once it is down, a call fails at once with a typed error.
    const t0 = performance.now();
    const late = await clients[0]!.invokeSync(addr, createRequest(WORK, { extFields: { id: "late" } }), 10_000).then(
      () => null,
      (error: unknown) => error,
    );
    expect(late).toBeInstanceOf(RemotingError);
    expect(performance.now() - t0).toBeLessThan(1000);
    console.info(
      `shutdown under load (goAway ${goAwayOnShutdown}): ${calls.size} calls, ${startedBeforeShutdown} started before shutdown and ${started.size - startedBeforeShutdown} during it, all ${answered} answered; ` +
        `${goAway} GO_AWAY answers; failed: ${[...failures].map(([c, n]) => `${n} ${c}`).join(", ") || "none"}; vanished 0`,
    );
  }, 30_000);
}
