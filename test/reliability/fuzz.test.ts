import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Socket } from "bun";
import { createRequest, FrameDecoder, RemotingClient, silentLogger } from "../../src/index.ts";
import { testCerts } from "../helpers/certs.ts";
import { ChildServer, MiB, mib } from "../helpers/child-server.ts";
import { HOST, sleep } from "../helpers/harness.ts";
import { Random } from "../helpers/random.ts";
import { ECHO, FUZZ_SERVER_OPTIONS, SENTINEL, SessionFactory, type Session } from "./fuzz-sessions.ts";

/*
 * A million seeded inputs against a live server in its own process, over many connections: half
 * of the connections carry only well-formed traffic, the other half end with one hostile input
 * (random bytes, damaged frames, limits broken, HTTP, TLS) followed by a sentinel request.
 * Throughout, a separate client keeps calling the server and must always be answered. Checked:
 * every well-formed request sent before a hostile input is answered exactly once with the right
 * code; the server closes only connections that sent something hostile; a connection that survives
 * its input answers the sentinel; the server's memory after a GC does not grow past a bound.
 * A damaged frame may still decode and be answered (at most one extra answer per hostile
 * connection): when the damage hit the "opaque" key, the server answers under an opaque of its own
 * counter, as Java does for a missing opaque, which may equal one the client used.
 *   FUZZ_INPUTS (default 1 000 000), FUZZ_SEED (default 7), FUZZ_PARALLEL (default 16).
 */

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 1_000_000);
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const PARALLEL = Number(process.env.FUZZ_PARALLEL ?? 16);
/** Well-formed frames per connection (1 to this): shorter connections mean more hostile inputs. */
const MAX_FRAMES_PER_SESSION = 50;
/** A session whose hostile input left the server waiting for bytes gives up after this. */
const SESSION_TIMEOUT_MS = 5000;
/** Allowed growth of the server's memory (after GC) between the end of the warm-up and the end. */
const HEAP_BOUND = 16 * MiB;
const RSS_BOUND = 64 * MiB;

interface Totals {
  inputs: number;
  sessions: number;
  hostileSessions: number;
  answered: number;
  lost: number;
  /** Answers beyond one per well-formed request, or with the wrong code. */
  extra: number;
  /** Responses the client could not decode. */
  undecodable: number;
  damagedAnswered: number;
  cleanClosedByServer: number;
  hostileClosedByServer: number;
  survivedInSync: number;
  vanished: number;
  stalled: number;
  maxOpen: number;
}

const totals: Totals = {
  inputs: 0,
  sessions: 0,
  hostileSessions: 0,
  answered: 0,
  lost: 0,
  extra: 0,
  undecodable: 0,
  damagedAnswered: 0,
  cleanClosedByServer: 0,
  hostileClosedByServer: 0,
  survivedInSync: 0,
  vanished: 0,
  stalled: 0,
  maxOpen: 0,
};
let open = 0;

/** Runs one session on its own connection and adds what happened to the totals. */
async function runSession(port: number, session: Session): Promise<void> {
  /** Opaque -> the codes it was answered with. */
  const answers = new Map<number, number[]>();
  const decoder = new FrameDecoder({ maxFrameLength: 1 << 24 });
  let closedByServer = false;
  let sentinelAnswered = false;
  /** Answers beyond one per well-formed request. */
  let surplus = 0;
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const allAnswered = (): boolean => answers.size >= session.expected.size && [...session.expected.keys()].every((o) => answers.has(o));
  const check = (): void => {
    if (finished) return;
    const complete = allAnswered() && (session.hostile === null || session.vanish || sentinelAnswered);
    if (complete || closedByServer) {
      finished = true;
      resolveDone();
    }
  };
  let unsent = session.bytes;
  const pump = (s: Socket<undefined>): void => {
    while (unsent.length > 0) {
      const n = s.write(unsent);
      if (n <= 0) return;
      unsent = unsent.subarray(n);
    }
  };
  const socket = await Bun.connect({
    hostname: HOST,
    port,
    socket: {
      open: pump,
      drain: pump,
      data(_s, chunk) {
        try {
          for (const frame of decoder.push(new Uint8Array(chunk))) {
            if ((frame.flag & 1) === 0) continue;
            if (frame.opaque === SENTINEL) {
              sentinelAnswered = true;
            } else if (session.expected.has(frame.opaque)) {
              const codes = answers.get(frame.opaque);
              if (codes === undefined) answers.set(frame.opaque, [frame.code]);
              else codes.push(frame.code);
            } else {
              surplus++;
            }
          }
        } catch {
          if (!session.startsTls) totals.undecodable++; // a TLS alert is a fair answer to a broken handshake
        }
        check();
      },
      close() {
        if (!finished) closedByServer = true;
        check();
      },
      error() {},
      connectError() {},
    },
  });
  open++;
  totals.maxOpen = Math.max(totals.maxOpen, open);
  check(); // a session with nothing to wait for
  const timer = setTimeout(() => {
    if (finished) return;
    totals.stalled++;
    finished = true;
    resolveDone();
  }, SESSION_TIMEOUT_MS);
  await done;
  clearTimeout(timer);
  socket.terminate();
  open--;

  totals.sessions++;
  totals.inputs += session.inputs;
  if (session.hostile !== null) totals.hostileSessions++;
  for (const [opaque, code] of session.expected) {
    const codes = answers.get(opaque) ?? [];
    if (codes.includes(code)) totals.answered++;
    else totals.lost++;
    surplus += codes.length - (codes.includes(code) ? 1 : 0);
  }
  // One extra answer may come from a damaged frame that still decoded; anything else is a fault.
  if (session.hostile !== null && surplus <= 1) totals.damagedAnswered += surplus;
  else totals.extra += surplus;
  if (closedByServer && session.hostile === null) totals.cleanClosedByServer++;
  if (closedByServer && session.hostile !== null) totals.hostileClosedByServer++;
  if (sentinelAnswered) totals.survivedInSync++;
  if (session.vanish && !closedByServer) totals.vanished++;
}

let server: ChildServer;
let client: RemotingClient;

beforeAll(async () => {
  // With a certificate, so that inputs starting with 0x16 reach the TLS handshake too.
  const certs = testCerts();
  server = await ChildServer.start({ ...FUZZ_SERVER_OPTIONS, tls: { key: certs.serverKey, cert: certs.serverCert } });
  client = new RemotingClient({ logger: silentLogger });
});

afterAll(async () => {
  await client.shutdown();
  await server.kill();
});

test(
  `fuzz: ${INPUTS} seeded inputs (seed ${SEED}) over ${PARALLEL} parallel connections; the server keeps serving, answers every well-formed request once, closes only offenders, memory stays bounded`,
  async () => {
    const rng = new Random(SEED);
    const factory = new SessionFactory(rng);
    const canary = { calls: 0, failures: 0, closes: 0 };
    client.setChannelEventListener({ onChannelClose: () => canary.closes++ });
    let running = true;
    const canaryLoop = (async () => {
      while (running) {
        const response = await client.invokeSync(server.addr, createRequest(ECHO, { extFields: { n: String(canary.calls) } }), 5000).catch(() => null);
        if (response?.code !== 0 || response.extFields?.n !== String(canary.calls)) canary.failures++;
        canary.calls++;
        await sleep(5);
      }
    })();

    let generated = 0;
    /** Runs sessions on PARALLEL connections at once until `target` inputs were generated. */
    const runUntil = (target: number): Promise<unknown> =>
      Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (generated < target) {
            const session = factory.next(MAX_FRAMES_PER_SESSION);
            generated += session.inputs;
            await runSession(server.port, session);
          }
        }),
      );
    const t0 = performance.now();
    await runUntil(INPUTS / 10); // warm-up: the baseline is taken once the server has seen everything once
    const before = await server.stats(client);
    await runUntil(INPUTS);
    const seconds = (performance.now() - t0) / 1000;
    running = false;
    await canaryLoop;
    await sleep(50);
    const after = await server.stats(client);

    console.info(
      `fuzz: ${totals.inputs} inputs (${totals.hostileSessions} hostile) in ${totals.sessions} connections (up to ${totals.maxOpen} open at once) in ${seconds.toFixed(1)} s; ` +
        `${totals.answered} well-formed requests answered, ${totals.lost} lost, ${totals.extra} extra or wrong answers, ${totals.damagedAnswered} damaged frames answered; ` +
        `hostile connections closed by the server ${totals.hostileClosedByServer}, survived in sync ${totals.survivedInSync}, left mid-frame ${totals.vanished}, stalled ${totals.stalled}; ` +
        `clean connections closed by the server ${totals.cleanClosedByServer}; canary ${canary.calls} calls, ${canary.failures} failed; ` +
        `server heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)}, rss ${mib(before.rss)} -> ${mib(after.rss)}, connections left ${after.connections}`,
    );

    expect(totals.inputs).toBeGreaterThanOrEqual(INPUTS);
    expect(totals.lost).toBe(0);
    expect(totals.extra).toBe(0);
    expect(totals.undecodable).toBe(0);
    expect(totals.cleanClosedByServer).toBe(0);
    expect(totals.hostileClosedByServer + totals.survivedInSync + totals.vanished + totals.stalled).toBe(totals.hostileSessions);
    expect(canary.failures).toBe(0);
    expect(canary.closes).toBe(0);
    expect(after.connections).toBe(1); // only the canary's
    expect(after.heapUsed - before.heapUsed).toBeLessThan(HEAP_BOUND);
    expect(after.rss - before.rss).toBeLessThan(RSS_BOUND);
  },
  300_000,
);
