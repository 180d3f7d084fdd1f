import { randomBytes, timingSafeEqual } from "node:crypto";
import { RemotingAbortProcessError } from "../errors.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import type { RequestDirection, RPCHook } from "../core/rpc-hook.ts";
import { aclSignature } from "./acl-signature.ts";
import { AclFields } from "./session-credentials.ts";

/** Options of AclServerRPCHook: where the secret keys come from, and the code a refused request is answered with. */
export interface AclServerOptions {
  /**
   * The secret key of an access key: a map, a plain object, or a lookup function. An unknown access
   * key (undefined or null) is refused like a wrong signature.
   */
  secretKeys: ReadonlyMap<string, string> | Readonly<Record<string, string>> | ((accessKey: string) => string | null | undefined);
  /**
   * The response code of a refused request. Default NO_PERMISSION (16): what RocketMQ 5.3's remoting
   * authentication answers (AbortProcessException(NO_PERMISSION)). ACL 1.0 brokers let the error
   * escape the hook, so their clients saw SYSTEM_ERROR (1); pass 1 to mimic them.
   */
  responseCode?: number;
}

/** RocketMQ's MixAll.UNIQUE_MSG_QUERY_FLAG: clients up to 4.9.3 (version 399) did not sign it. */
const UNIQUE_MSG_QUERY_FLAG = "_UNIQUE_KEY_QUERY";
const V4_9_3 = 399;

/**
 * Verifies the ACL 1.0 signature of every request this endpoint receives (the server half of
 * AclClientRPCHook; RocketMQ's PlainAccessValidator without the per-topic permissions): looks up the
 * secret key by AccessKey, recomputes the signature and compares in constant time. A request that
 * fails is answered with `responseCode` and never reaches its processor. Requests this endpoint
 * sends are not checked. Register it before other hooks so nothing runs for a refused request.
 */
export class AclServerRPCHook implements RPCHook {
  private readonly secretKeyOf: (accessKey: string) => string | null | undefined;
  private readonly responseCode: number;
  /** Stands in for the secret of an unknown access key, so that both refusals cost the same work. */
  private readonly decoySecret = randomBytes(30).toString("base64");

  constructor(options: AclServerOptions) {
    const keys = options?.secretKeys;
    if (typeof keys === "function") this.secretKeyOf = keys;
    else if (keys instanceof Map) this.secretKeyOf = (ak) => keys.get(ak);
    else if (typeof keys === "object" && keys !== null) this.secretKeyOf = (ak) => (Object.hasOwn(keys, ak) ? (keys as Record<string, string>)[ak] : undefined);
    else throw new TypeError("AclServerRPCHook: secretKeys must be a Map, an object or a function");
    const code = options.responseCode ?? ResponseCode.NO_PERMISSION;
    if (!Number.isInteger(code)) throw new TypeError(`AclServerRPCHook: responseCode must be an integer, got ${code}`);
    this.responseCode = code;
  }

  /**
   * Inbound requests: throws a RemotingAbortProcessError with `responseCode` (so the request is
   * answered with it and its processor never runs) when AccessKey is missing or unknown, or the
   * signature does not match. Outbound ones pass untouched.
   */
  doBeforeRequest(_remoteAddr: string, request: RemotingCommand, direction?: RequestDirection): void {
    if (direction === "outbound") return;
    const ext = request.extFields;
    const accessKey = ext?.[AclFields.ACCESS_KEY];
    if (typeof accessKey !== "string" || accessKey === "") throw this.refuse("the request is not signed (no AccessKey ext field)");
    const signature = ext![AclFields.SIGNATURE];
    const secret = this.secretKeyOf(accessKey);
    const known = typeof secret === "string" && secret !== "";
    const skip = request.version <= V4_9_3 ? UNIQUE_MSG_QUERY_FLAG : null;
    const expected = aclSignature(request, known ? secret : this.decoySecret, skip);
    if (!(sameText(expected, signature) && known)) throw this.refuse(`Check signature failed for accessKey=${accessKey}`);
  }

  /** Does nothing: the check happens before the processor runs. */
  doAfterResponse(): void {}

  private refuse(why: string): RemotingAbortProcessError {
    return new RemotingAbortProcessError(this.responseCode, why);
  }
}

/** Constant-time equality of two strings' UTF-8 bytes (the length, public anyway, may show). */
function sameText(expected: string, given: string | undefined): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(typeof given === "string" ? given : "", "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a); // spend the same time as a real comparison
    return false;
  }
  return timingSafeEqual(a, b);
}
