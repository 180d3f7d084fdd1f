import { RequestCode } from "../protocol/request-code.ts";
import { ResponseCode } from "../protocol/response-code.ts";

/*
 * Java labels codes the way RemotingHelper.getRequestCodeDesc / getResponseCodeDesc do: the
 * constant's name in lower case ("get_routeinfo_by_topic", "system_busy"), or the number for a
 * code it has no constant for.
 */

function lowerCaseNames(table: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(table).map(([name, code]) => [code, name.toLowerCase()]));
}

const REQUEST_NAMES = lowerCaseNames(RequestCode);
const RESPONSE_NAMES = lowerCaseNames(ResponseCode);

export function requestCodeLabel(code: number): string {
  return REQUEST_NAMES.get(code) ?? String(code);
}

export function responseCodeLabel(code: number): string {
  return RESPONSE_NAMES.get(code) ?? String(code);
}
