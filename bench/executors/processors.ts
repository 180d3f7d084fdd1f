/**
 * The processors of bench/executors.bench.ts, run inline on the server's I/O thread and, through
 * worker groups, in worker threads (this module is the groups' module).
 */
import { createHash } from "node:crypto";
import { createResponse, type RemotingCommand } from "../../src/index.ts";

/** The server's codes (bench/executors/server.ts). */
export const Code = { HEAVY_INLINE: 1, HEAVY_GROUP1: 2, HEAVY_GROUP2: 3, TRIVIAL_INLINE: 4, TRIVIAL_GROUP1: 5 } as const;

/** Hashes the body `rounds` (ext field) times, chained: CPU-bound, ~1 µs a round here. */
export function heavy(_ctx: unknown, request: RemotingCommand): RemotingCommand {
  const body = request.body ?? new Uint8Array(0);
  const rounds = Number(request.extFields?.rounds ?? 200);
  let digest: Uint8Array = body;
  for (let i = 0; i < rounds; i++) digest = createHash("sha256").update(body).update(digest).digest();
  return createResponse(0, null, { body: digest });
}

/** Answers at once: what is left is the cost of getting the request there and back. */
export function trivial(): RemotingCommand {
  return createResponse(0);
}
