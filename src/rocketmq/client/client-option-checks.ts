import { parseSocketAddress } from "../../core/address.ts";
import { string, type Check } from "../../core/options.ts";

/*
 * Option checks the Producer and the Consumer share (each returns what was expected, or null).
 */

/** A non-empty list of "host:port" addresses. */
export const addressList: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0) return 'a non-empty array of "host:port" strings';
  for (const addr of v) {
    try {
      parseSocketAddress(addr as string);
    } catch {
      return `a non-empty array of "host:port" strings (${JSON.stringify(addr)} is not one)`;
    }
  }
  return null;
};

export const optionalString: Check = (v) => (v === undefined ? null : string(v));

export const transportOrUndefined: Check = (v) =>
  v === undefined || (typeof v === "object" && v !== null && typeof (v as { connect?: unknown }).connect === "function") ? null : "a Transport";
