// The embedding quick start, server side: answer every request with its own extFields and body.
import { createResponse, RemotingServer } from "bun-remoting";

await using server = new RemotingServer({ host: "127.0.0.1", port: Number(process.env.PORT ?? 9876) });
server.registerDefaultProcessor((ctx, request) =>
  createResponse(0, `Hi ${ctx.remoteAddress}`, { extFields: request.extFields, body: request.body }),
);
await server.start();
console.log(`echo server listening on 127.0.0.1:${server.port}`);
await new Promise((resolve) => process.once("SIGINT", resolve)); // then `await using` shuts it down
