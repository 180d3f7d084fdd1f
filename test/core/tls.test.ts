import { describe, expect, test } from "bun:test";
import {
  createRequest,
  RemotingClient,
  RemotingConnectError,
  RemotingError,
  RemotingLimitError,
  RemotingServer,
  RemotingTlsError,
  type RemotingChannel,
  type RemotingServerOptions,
} from "../../src/index.ts";
import { testCerts } from "../helpers/certs.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";
import { addrOf, echo, useHarness, HOST, rejectionOf, waitFor, within } from "../helpers/harness.ts";

// The server tells TLS from plaintext by the client's first byte (0x16) and
// applies its tlsMode; the client's useTLS verifies the server's certificate unless told not to.
// Certificates are made for the test run (test/helpers/certs.ts).

const ECHO = 10;
const certs = testCerts();
const serverTls = { key: certs.serverKey, cert: certs.serverCert };
const trusting = { useTLS: true, tls: { ca: certs.ca } };

const h = useHarness();

async function tlsServer(options: RemotingServerOptions = {}) {
  const stats = { processed: 0, exceptions: [] as Error[] };
  const server = await h.server({ tls: serverTls, ...options }, (s) => {
    s.registerProcessor(ECHO, (ctx, req) => (stats.processed++, echo(ctx, req)));
    s.setChannelEventListener({ onChannelException: (_a, _c, e) => stats.exceptions.push(e!) });
  });
  return { server, stats };
}

async function roundTrip(client: RemotingClient, server: RemotingServer, tag: string, body: Uint8Array | null = null): Promise<void> {
  const response = await client.invokeSync(addrOf(server), createRequest(ECHO, { extFields: { tag }, body }), 3000);
  expect(response.code).toBe(0);
  expect(response.extFields).toEqual({ tag });
  if (body !== null) expect(Buffer.compare(Buffer.from(response.body!), Buffer.from(body))).toBe(0);
}

/** A raw TLS client (Bun's own), to see what the server does below the library. */
async function rawTlsClient(port: number, tls: object): Promise<{ closed: Promise<void>; handshake: Promise<boolean> }> {
  let closed!: () => void;
  let handshake!: (ok: boolean) => void;
  const result = { closed: new Promise<void>((r) => (closed = r)), handshake: new Promise<boolean>((r) => (handshake = r)) };
  const socket = await Bun.connect({
    hostname: HOST,
    port,
    tls: { rejectUnauthorized: false, ...tls },
    socket: { data() {}, handshake: (_s, ok) => handshake(ok), close: () => closed(), error() {} },
  });
  h.defer(() => socket.terminate());
  return result;
}

describe("permissive mode (the default): TLS and plaintext clients on one port", () => {
  test("a TLS client and a plaintext client are both served, with small and large bodies", async () => {
    const { server, stats } = await tlsServer();
    const secure = h.client(trusting);
    const plain = h.client();
    for (let i = 0; i < 3; i++) {
      await roundTrip(secure, server, `tls ${i}`);
      await roundTrip(plain, server, `plain ${i}`);
    }
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    await roundTrip(secure, server, "tls big", big);
    await roundTrip(plain, server, "plain big", big);
    expect(stats.processed).toBe(8);
    expect(stats.exceptions).toEqual([]);
  });

  test("requests issued before the TLS handshake completes are all sent after it, each answered once", async () => {
    const { server } = await tlsServer();
    const client = h.client(trusting);
    const answers = new Map<number, number>();
    const calls = Array.from(
      { length: 500 },
      (_, i) =>
        new Promise<void>((resolve, reject) =>
          client.invokeAsync(addrOf(server), createRequest(ECHO, { extFields: { i: String(i) } }), 5000, (error, response) => {
            if (error !== null) return reject(error);
            const n = Number(response!.extFields!.i);
            answers.set(n, (answers.get(n) ?? 0) + 1);
            resolve();
          }),
        ),
    );
    await within(Promise.all(calls), 5000, "500 calls made before the handshake");
    expect(answers.size).toBe(500);
    expect([...answers.values()].every((n) => n === 1)).toBe(true);
  });

  test("the server calls a TLS client back on its connection", async () => {
    let channel: RemotingChannel | null = null;
    const server = await h.server({ tls: serverTls }, (s) =>
      s.registerProcessor(ECHO, (ctx, req) => {
        channel = ctx.channel;
        return echo(ctx, req);
      }),
    );
    const client = h.client(trusting);
    client.registerProcessor(40, (ctx, req) => echo(ctx, req));
    await roundTrip(client, server, "hello");
    const back = await server.invokeSync(channel!, createRequest(40, { extFields: { from: "server" } }), 3000);
    expect(back.extFields).toEqual({ from: "server" });
  });

  test("without a certificate, a permissive server refuses TLS clients and serves plaintext ones", async () => {
    const { server, stats } = await tlsServer({ tls: null });
    const error = await rejectionOf(h.client(trusting).invokeSync(addrOf(server), createRequest(ECHO), 3000));
    expect(error).toBeInstanceOf(RemotingError);
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    expect(stats.exceptions[0]).toBeInstanceOf(RemotingTlsError);
    expect(stats.exceptions[0]!.message).toContain("no certificate");
    await roundTrip(h.client(), server, "plain");
    expect(stats.processed).toBe(1);
  });
});

describe("enforcing and disabled modes", () => {
  test("enforcing: a plaintext client is closed and gets a typed error at once; TLS clients go on", async () => {
    const { server, stats } = await tlsServer({ tlsMode: "enforcing" });
    const t0 = performance.now();
    const error = await rejectionOf(h.client().invokeSync(addrOf(server), createRequest(ECHO), 5000));
    expect(error).toBeInstanceOf(RemotingError);
    expect(performance.now() - t0).toBeLessThan(2000);
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    expect(stats.exceptions[0]).toBeInstanceOf(RemotingTlsError);
    expect(stats.exceptions[0]!.message).toContain("plaintext connection refused");
    await roundTrip(h.client(trusting), server, "secure");
    expect(stats.processed).toBe(1);
  });

  test("enforcing: raw plaintext bytes get no answer, only a close", async () => {
    const { server } = await tlsServer({ tlsMode: "enforcing" });
    const raw = await h.rawClient(server.port);
    await raw.sendFrame(createRequest(ECHO, { opaque: 1 }));
    await within(raw.closed.promise, 2000, "the close");
    expect(raw.bytesReceived).toBe(0);
  });

  test("disabled: a TLS client is refused (typed connect error), plaintext clients are served", async () => {
    const { server, stats } = await tlsServer({ tlsMode: "disabled" });
    const error = await rejectionOf(h.client(trusting).invokeSync(addrOf(server), createRequest(ECHO), 3000));
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect((error as Error).cause).toBeInstanceOf(RemotingTlsError);
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    expect(stats.exceptions[0]!.message).toContain("TLS is disabled");
    await roundTrip(h.client(), server, "plain");
  });

  test("enforcing without a certificate is a configuration error", () => {
    expect(() => new RemotingServer({ tlsMode: "enforcing" })).toThrow(/tlsMode.*enforcing.*tls/);
  });
});

describe("client verification (on by default)", () => {
  test("a server whose certificate the client cannot verify: typed connect error, nothing sent", async () => {
    const { server, stats } = await tlsServer();
    for (const options of [{ useTLS: true }, { useTLS: true, tls: { ca: certs.rogueCert } }]) {
      const t0 = performance.now();
      const error = await rejectionOf(h.client(options).invokeSync(addrOf(server), createRequest(ECHO), 3000));
      expect(error).toBeInstanceOf(RemotingConnectError);
      expect((error as Error).cause).toBeInstanceOf(RemotingTlsError);
      expect(((error as Error).cause as Error).message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed: [A-Z_]+/);
      expect(performance.now() - t0).toBeLessThan(1500);
    }
    expect(stats.processed).toBe(0);
  });

  test("a self-signed server is refused by default and accepted only with rejectUnauthorized: false", async () => {
    const { server } = await tlsServer({ tls: { key: certs.rogueKey, cert: certs.rogueCert } });
    expect(await rejectionOf(h.client({ useTLS: true, tls: { ca: certs.ca } }).invokeSync(addrOf(server), createRequest(ECHO), 3000))).toBeInstanceOf(
      RemotingConnectError,
    );
    await roundTrip(h.client({ useTLS: true, tls: { rejectUnauthorized: false } }), server, "test set-up");
  });

  test("a certificate for another host name is refused", async () => {
    const { server } = await tlsServer();
    const error = await rejectionOf(h.client({ useTLS: true, tls: { ca: certs.ca, serverName: "broker.example.com" } }).invokeSync(addrOf(server), createRequest(ECHO), 3000));
    expect(error).toBeInstanceOf(RemotingConnectError);
    expect((error as Error).cause).toBeInstanceOf(RemotingTlsError);
  });

  test("TLS settings without useTLS are a configuration error, not silent plaintext", () => {
    expect(() => new RemotingClient({ tls: { ca: certs.ca } })).toThrow(/useTLS/);
  });
});

describe("mutual TLS (requestCert)", () => {
  const mutual = { tls: { ...serverTls, ca: certs.ca, requestCert: true } };

  test("a client with a certificate signed by the server's CA is served", async () => {
    const { server } = await tlsServer(mutual);
    await roundTrip(h.client({ useTLS: true, tls: { ca: certs.ca, key: certs.clientKey, cert: certs.clientCert } }), server, "mutual");
  });

  test("a client without a certificate, or with an untrusted one, is refused before any request runs", async () => {
    const { server, stats } = await tlsServer(mutual);
    const anonymous = await rejectionOf(h.client(trusting).invokeSync(addrOf(server), createRequest(ECHO), 3000));
    expect(anonymous).toBeInstanceOf(RemotingError);
    const rogue = await rejectionOf(
      h.client({ useTLS: true, tls: { ca: certs.ca, key: certs.rogueKey, cert: certs.rogueCert } }).invokeSync(addrOf(server), createRequest(ECHO), 3000),
    );
    expect(rogue).toBeInstanceOf(RemotingError);
    expect(stats.processed).toBe(0);
    await waitFor(() => stats.exceptions.length === 2, "an EXCEPTION event for each refused certificate");
    for (const error of stats.exceptions) expect(error).toBeInstanceOf(RemotingTlsError);
  });

  test("requestCert with rejectUnauthorized: false lets clients without a certificate in", async () => {
    const { server } = await tlsServer({ tls: { ...mutual.tls, rejectUnauthorized: false } });
    await roundTrip(h.client(trusting), server, "optional client auth");
  });
});

describe("server TLS material and handshakes", () => {
  test("an encrypted key works with its passphrase; a wrong passphrase fails start() with a typed error", async () => {
    const { server } = await tlsServer({ tls: { key: certs.encryptedServerKey, cert: certs.serverCert, passphrase: certs.passphrase } });
    await roundTrip(h.client(trusting), server, "encrypted key");
    const wrong = h.newServer({ tls: { key: certs.encryptedServerKey, cert: certs.serverCert, passphrase: "wrong" } });
    expect(await rejectionOf(wrong.start())).toBeInstanceOf(RemotingTlsError);
  });

  test("a handshake that stalls is closed after frameTimeoutMs; others are served meanwhile", async () => {
    const { server, stats } = await tlsServer({ frameTimeoutMs: 150, scanIntervalMs: 20 });
    const raw = await h.rawClient(server.port);
    await raw.send(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xff])); // the start of a ClientHello, then nothing
    await roundTrip(h.client(trusting), server, "meanwhile");
    await within(raw.closed.promise, 2000, "the stalled handshake to be closed");
    await waitFor(() => stats.exceptions.length === 1, "the EXCEPTION event");
    expect(stats.exceptions[0]).toBeInstanceOf(RemotingLimitError);
    expect((stats.exceptions[0] as RemotingLimitError).limit).toBe("frameTimeoutMs");
  });

  test("a completed handshake followed by silence is not a stalled frame", async () => {
    const timers = new ManualTimers();
    const { server, stats } = await tlsServer({ frameTimeoutMs: 100, scanIntervalMs: 20, timers });
    const raw = await rawTlsClient(server.port, { ca: certs.ca });
    expect(await within(raw.handshake, 2000)).toBe(true);
    await roundTrip(h.client(trusting), server, "meanwhile"); // the server has had its turns since: its side of the handshake is done
    timers.advance(300); // scans at 20 ms steps, well past frameTimeoutMs
    expect(stats.exceptions).toEqual([]);
    await roundTrip(h.client(trusting), server, "still fine");
  });

  test("garbage after a TLS record header closes only that connection", async () => {
    const { server, stats } = await tlsServer();
    const raw = await h.rawClient(server.port);
    await raw.send(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x20, ...new Uint8Array(64).fill(0x41)]));
    await within(raw.closed.promise, 2000, "the close");
    expect(raw.bytesReceived).toBeLessThan(64); // at most a TLS alert
    await roundTrip(h.client(trusting), server, "after garbage");
    expect(stats.processed).toBe(1);
  });
});
