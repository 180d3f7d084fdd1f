/**
 * Waits for every promise, then rejects with the first rejection in order, if any: calls to
 * several brokers or name servers all run to their end even when one fails.
 */
export async function settleAll(promises: Iterable<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}
