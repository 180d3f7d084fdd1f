// The embedding quick start, client side: one call to the echo server, then its latency stats.
import { createRequest, RemotingClient } from "bun-remoting";

const addr = process.argv[2] ?? "127.0.0.1:9876";
await using client = new RemotingClient();
const request = createRequest(10, { extFields: { hello: "world" }, body: new TextEncoder().encode("ping") });
const response = await client.invokeSync(addr, request, 3000);
console.log(response.code, response.remark, response.extFields, response.body === null ? "(no body)" : new TextDecoder().decode(response.body));
console.log("latency (ms):", client.stats.invoked.byCode["10"]?.latencyMs);
