import { ECHO_CODE } from "./cases.ts";

type Library = Pick<typeof import("../../src/index.ts"), "createResponse">;
type Server = Pick<import("../../src/index.ts").RemotingServer, "registerProcessor">;

/** The bench servers' echo: ECHO_CODE answered with the request's own body and header type. */
export function registerEcho(lib: Library, server: Server): void {
  server.registerProcessor(ECHO_CODE, (_ctx, request) => lib.createResponse(0, null, { body: request.body, serializeType: request.serializeType }));
}
