import { describe, expect, test } from "bun:test";
import { createRequest, RemotingTimeoutError } from "../../src/index.ts";
import { rejectionOf, useHarness } from "../helpers/harness.ts";

const h = useHarness();

describe("captureCallSites", () => {
  test("a call that times out carries the frames of the code that made it, only when asked", async () => {
    const silent = await h.rawServer(); // reads requests, never answers
    const addr = `127.0.0.1:${silent.port}`;
    const withSites = h.client({ captureCallSites: true });
    const without = h.client();
    async function callFromHere(client: typeof withSites): Promise<Error> {
      return rejectionOf(client.invokeSync(addr, createRequest(10), 30));
    }
    const traced = await callFromHere(withSites);
    expect(traced).toBeInstanceOf(RemotingTimeoutError);
    expect(traced.stack).toContain("--- the call was made at ---");
    expect(traced.stack!.split("--- the call was made at ---")[1]).toContain("callFromHere");
    const plain = await callFromHere(without);
    expect(plain).toBeInstanceOf(RemotingTimeoutError);
    expect(plain.stack).not.toContain("the call was made at");
  });
});
