import { do_not_optimize } from "mitata";
import { importFirst, type MicroModule } from "./micro.ts";

type Library = typeof import("../../src/index.ts");
type Table = typeof import("../../src/core/outbound/response-table.ts");
type Calls = typeof import("../../src/core/outbound/call.ts");

/** Pending calls this many at once: the pipelined e2e case's window. */
const LIVE = 1024;

/** The response table (outbound calls by opaque) with LIVE calls pending, as under a pipelined load. */
export const responseTableBenches: MicroModule = async (root) => {
  const lib = (await import(`${root}src/index.ts`)) as Library;
  const { ResponseTable } = await importFirst<Table>(root, ["src/core/outbound/response-table.ts", "src/core/response-table.ts"]);
  const calls = await importFirst<Calls & { PendingRequest?: new () => { init(...a: unknown[]): unknown } }>(root, ["src/core/outbound/call.ts", "src/core/pending-request.ts"]);
  const request = lib.createRequest(10, {});
  const callback = (): void => {};
  // Revisions differ: older ones have PendingRequest filled by init(), newer ones a Call filled field by field.
  const pending = (opaque: number) => {
    if (calls.PendingRequest !== undefined) {
      return new calls.PendingRequest().init(opaque, request, Date.now() + 3000, 3000, "127.0.0.1:10911", false, callback, null) as InstanceType<Calls["Call"]>;
    }
    const call = new calls.Call();
    call.opaque = opaque;
    call.request = request;
    call.timeoutMs = 3000;
    // Newer revisions count the deadline from the end of the turn that made the call.
    if ("turnEnd" in call) call.turnEnd = Object.assign(new calls.TurnEnd(), { at: Date.now() });
    else (call as { deadline: number }).deadline = Date.now() + 3000;
    call.addr = "127.0.0.1:10911";
    return call;
  };

  // Calls made ahead, reused in a ring, so the bench times the table rather than allocation: call i
  // adds ring[i] and takes the one added LIVE calls before (the live window moves on like opaques do).
  const ring = Array.from({ length: 1 << 16 }, (_, i) => pending(i + 1));
  const table = new ResponseTable();
  for (let k = ring.length - LIVE; k < ring.length; k++) table.add(ring[k]!);
  const mask = ring.length - 1;
  // An answer finds its call and takes it out: get() then remove() in newer revisions, take() in older ones.
  const legacy = table as unknown as { take?: (opaque: number) => unknown };
  const takeOut =
    legacy.take !== undefined
      ? (opaque: number): unknown => legacy.take!(opaque)
      : (opaque: number): unknown => {
          const call = table.get(opaque);
          if (call !== undefined) table.remove(call);
          return call;
        };
  let i = 0;
  const group = `ResponseTable: ${LIVE} calls pending`;
  return [
    {
      group,
      name: "add one + take the oldest (an answer)",
      short: true,
      fn: () => {
        table.add(ring[i]!);
        const taken = takeOut(ring[(i - LIVE) & mask]!.opaque);
        i = (i + 1) & mask;
        return do_not_optimize(taken);
      },
    },
    { group, name: "take an unknown opaque (a late answer)", fn: () => do_not_optimize(takeOut(-5)) },
    { group, name: "expiry scan, nothing expired", fn: () => do_not_optimize(table.expire(0).earliestLeft) },
  ];
};
