/**
 * A one-line description of a thrown value for a SYSTEM_ERROR remark, like Java's
 * RemotingHelper.exceptionSimpleDesc: "<Name>: <message>, <first stack frame>".
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `${typeof error === "string" ? error : String(error)}`;
  const head = error.message ? `${error.name}: ${error.message}` : error.name;
  const frame = error.stack?.split("\n").find((line) => line.trimStart().startsWith("at "));
  return frame === undefined ? head : `${head}, ${frame.trim().slice(3)}`;
}
