import { describe, expect, test } from "bun:test";
import {
  AclClientRPCHook,
  AclFields,
  AclServerRPCHook,
  aclSignature,
  createRequest,
  encodeFrame,
  ResponseCode,
  type RemotingChannel,
  type RemotingCommand,
  type SerializeType,
} from "../../src/index.ts";
import { addrOf, echo, useHarness } from "../helpers/harness.ts";

// RocketMQ ACL 1.0: the client signs HMAC-SHA1 over the ext field values sorted by key
// (Signature excluded) followed by the body, base64; AccessKey, SecurityToken and Signature travel
// as ext fields. The server recomputes with the secret it holds for AccessKey.

const ECHO = 10;
const ACCOUNTS = { rocketmq2: "12345678", other: "another secret" };

const h = useHarness();

describe("the signature", () => {
  // Expected values computed independently with the openssl CLI:
  //   printf 'rocketmq2tok3TopicTesthello 世界' | openssl dgst -sha1 -hmac 12345678 -binary | base64
  //   printf 'rocketmq2' | openssl dgst -sha1 -hmac 12345678 -binary | base64
  test("matches an independently computed HMAC-SHA1 (sorted values, Signature left out, body last, UTF-8)", () => {
    const request = createRequest(ECHO, {
      extFields: { topic: "TopicTest", queueId: "3", AccessKey: "rocketmq2", SecurityToken: "tok", Signature: "stale" },
      body: new TextEncoder().encode("hello 世界"),
    });
    expect(aclSignature(request, "12345678")).toBe("7TayGe+tBDtefcnfI5hs68LR6r8=");
    expect(aclSignature(createRequest(ECHO, { extFields: { AccessKey: "rocketmq2" } }), "12345678")).toBe("Ou1T58RIcyZWaTIwzkhJZWn/Zvs=");
  });

  test("the client hook adds AccessKey, SecurityToken and a Signature over the final fields", () => {
    const hook = new AclClientRPCHook({ accessKey: "rocketmq2", secretKey: "12345678", securityToken: "tok" });
    const request = createRequest(ECHO, { extFields: { topic: "TopicTest", queueId: "3" }, body: new TextEncoder().encode("hello 世界") });
    hook.doBeforeRequest("127.0.0.1:1", request, "outbound");
    expect(request.extFields).toEqual({ topic: "TopicTest", queueId: "3", AccessKey: "rocketmq2", SecurityToken: "tok", Signature: "7TayGe+tBDtefcnfI5hs68LR6r8=" });
    hook.doBeforeRequest("127.0.0.1:1", request, "outbound"); // re-signing (a retried send) excludes the old Signature
    expect(request.extFields![AclFields.SIGNATURE]).toBe("7TayGe+tBDtefcnfI5hs68LR6r8=");
    const bare = createRequest(ECHO);
    new AclClientRPCHook({ accessKey: "rocketmq2", secretKey: "12345678" }).doBeforeRequest("x", bare, "outbound");
    expect(bare.extFields).toEqual({ AccessKey: "rocketmq2", Signature: "Ou1T58RIcyZWaTIwzkhJZWn/Zvs=" });
  });

  test("requests arriving at the signing side are left alone", () => {
    const request = createRequest(ECHO, { extFields: { a: "1" } });
    new AclClientRPCHook({ accessKey: "ak", secretKey: "sk" }).doBeforeRequest("x", request, "inbound");
    expect(request.extFields).toEqual({ a: "1" });
  });

  test("bad credentials are programming errors", () => {
    expect(() => new AclClientRPCHook({ accessKey: "", secretKey: "sk" })).toThrow(TypeError);
    expect(() => new AclClientRPCHook({ accessKey: "ak", secretKey: undefined as never })).toThrow(TypeError);
    expect(() => new AclServerRPCHook({ secretKeys: 5 as never })).toThrow(TypeError);
  });
});

/** A server that verifies signatures and counts what reaches its processor. */
async function guardedServer(options: { responseCode?: number } = {}) {
  const stats = { processed: 0 };
  let channel: RemotingChannel | null = null;
  const server = await h.server({}, (s) => {
    s.registerRPCHook(new AclServerRPCHook({ secretKeys: new Map(Object.entries(ACCOUNTS)), ...options }));
    s.registerProcessor(ECHO, (ctx, req) => {
      stats.processed++;
      channel = ctx.channel;
      return echo(ctx, req);
    });
  });
  return { server, stats, channel: () => channel! };
}

function signedClient(accessKey: string, secretKey: string) {
  const client = h.client();
  client.registerRPCHook(new AclClientRPCHook({ accessKey, secretKey }));
  return client;
}

for (const serializeType of ["JSON", "ROCKETMQ"] as SerializeType[]) {
  describe(`a server verifying signatures (${serializeType} headers)`, () => {
    const request = (extFields: Record<string, string> = { topic: "TopicTest" }, body: Uint8Array | null = new Uint8Array([1, 2, 3])) =>
      createRequest(ECHO, { extFields, body, serializeType });

    test("a correctly signed request runs", async () => {
      const { server, stats } = await guardedServer();
      const response = await signedClient("rocketmq2", ACCOUNTS.rocketmq2).invokeSync(addrOf(server), request(), 2000);
      expect(response.code).toBe(0);
      expect(response.extFields!.topic).toBe("TopicTest");
      expect(stats.processed).toBe(1);
    });

    test("wrong secret, unknown access key, no signature at all: NO_PERMISSION, and the processor never runs", async () => {
      const { server, stats } = await guardedServer();
      const cases: [ReturnType<typeof h.client>, string][] = [
        [signedClient("rocketmq2", "wrong secret"), "Check signature failed for accessKey=rocketmq2"],
        [signedClient("nobody", "12345678"), "Check signature failed for accessKey=nobody"],
        [signedClient("other", ACCOUNTS.rocketmq2), "Check signature failed for accessKey=other"],
        [h.client(), "the request is not signed (no AccessKey ext field)"],
      ];
      for (const [client, remark] of cases) {
        const response = await client.invokeSync(addrOf(server), request(), 2000);
        expect(response.code).toBe(ResponseCode.NO_PERMISSION);
        expect(response.remark).toBe(remark);
      }
      expect(stats.processed).toBe(0);
    });

    test("a field or body changed after signing is refused", async () => {
      const { server, stats } = await guardedServer();
      for (const tamper of [
        (r: RemotingCommand) => (r.extFields!.topic = "OtherTopic"),
        (r: RemotingCommand) => (r.extFields!.extra = "added"),
        (r: RemotingCommand) => (r.body = new Uint8Array([1, 2, 4])),
        (r: RemotingCommand) => (r.extFields!.AccessKey = "other"),
      ]) {
        const client = signedClient("rocketmq2", ACCOUNTS.rocketmq2);
        client.registerRPCHook({ doBeforeRequest: (_a, r) => tamper(r), doAfterResponse() {} }); // runs after the signer
        expect((await client.invokeSync(addrOf(server), request(), 2000)).code).toBe(ResponseCode.NO_PERMISSION);
      }
      expect(stats.processed).toBe(0);
    });

    test("a forged frame from a raw peer is refused like any other", async () => {
      const { server, stats } = await guardedServer();
      const raw = await h.rawClient(server.port);
      const forged = request({ topic: "TopicTest", AccessKey: "rocketmq2", Signature: "Ou1T58RIcyZWaTIwzkhJZWn/Zvs=" });
      forged.opaque = 9;
      await raw.send(encodeFrame(forged));
      const [answer] = await raw.waitForFrames(1);
      expect(answer!.opaque).toBe(9);
      expect(answer!.code).toBe(ResponseCode.NO_PERMISSION);
      expect(stats.processed).toBe(0);
    });
  });
}

describe("compatibility details", () => {
  test("responseCode: 1 answers SYSTEM_ERROR, as ACL 1.0 brokers did", async () => {
    const { server } = await guardedServer({ responseCode: 1 });
    expect((await h.client().invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(1);
  });

  test("clients up to 4.9.3 (version <= 399) did not sign _UNIQUE_KEY_QUERY; newer ones must", async () => {
    const { server, stats } = await guardedServer();
    const hook = new AclClientRPCHook({ accessKey: "rocketmq2", secretKey: ACCOUNTS.rocketmq2 });
    const send = async (version: number) => {
      const request = createRequest(ECHO, { version, extFields: { topic: "t" } });
      hook.doBeforeRequest("x", request, "outbound");
      request.extFields!._UNIQUE_KEY_QUERY = "true"; // added after signing, as old clients did
      return (await h.client().invokeSync(addrOf(server), request, 2000)).code;
    };
    expect(await send(399)).toBe(0);
    expect(await send(400)).toBe(ResponseCode.NO_PERMISSION);
    expect(stats.processed).toBe(1);
  });

  test("a verifying server still calls its clients back (its own outbound requests are not checked)", async () => {
    const { server, channel } = await guardedServer();
    const client = signedClient("rocketmq2", ACCOUNTS.rocketmq2);
    client.registerProcessor(40, (ctx, req) => echo(ctx, req));
    await client.invokeSync(addrOf(server), createRequest(ECHO), 2000);
    const back = await server.invokeSync(channel(), createRequest(40, { extFields: { q: "1" } }), 2000);
    expect(back.code).toBe(0);
    expect(back.extFields).toEqual({ q: "1" }); // and the client's signer did not sign what it received
  });

  test("secret keys may come from a function or a plain object", async () => {
    for (const secretKeys of [(ak: string) => (ak === "rocketmq2" ? "12345678" : null), { rocketmq2: "12345678" }]) {
      const server = await h.server({}, (s) => {
        s.registerRPCHook(new AclServerRPCHook({ secretKeys }));
        s.registerProcessor(ECHO, (ctx, req) => echo(ctx, req));
      });
      expect((await signedClient("rocketmq2", "12345678").invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(0);
      expect((await signedClient("toString", "x").invokeSync(addrOf(server), createRequest(ECHO), 2000)).code).toBe(ResponseCode.NO_PERMISSION);
    }
  });
});
