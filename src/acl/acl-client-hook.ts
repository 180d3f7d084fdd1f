import type { RemotingCommand } from "../protocol/remoting-command.ts";
import type { RequestDirection, RPCHook } from "../core/rpc-hook.ts";
import { aclSignature } from "./acl-signature.ts";
import { AclFields, type SessionCredentials } from "./session-credentials.ts";

/**
 * Signs every request this endpoint sends, as RocketMQ's AclClientRPCHook does: adds AccessKey (and
 * SecurityToken when set), then Signature over the final ext fields and body. Hooks run right before
 * a request is encoded, so the signature covers exactly what goes on the wire; register this hook
 * after any hook that adds ext fields of its own. Requests arriving from the peer are not touched.
 */
export class AclClientRPCHook implements RPCHook {
  private readonly credentials: Readonly<{ accessKey: string; secretKey: string; securityToken: string | null }>;

  constructor(credentials: SessionCredentials) {
    const { accessKey, secretKey, securityToken } = credentials ?? ({} as SessionCredentials);
    if (typeof accessKey !== "string" || accessKey === "") throw new TypeError("AclClientRPCHook: accessKey must be a non-empty string");
    if (typeof secretKey !== "string" || secretKey === "") throw new TypeError("AclClientRPCHook: secretKey must be a non-empty string");
    if (securityToken != null && typeof securityToken !== "string") throw new TypeError("AclClientRPCHook: securityToken must be a string when given");
    this.credentials = Object.freeze({ accessKey, secretKey, securityToken: securityToken ?? null });
  }

  /** The access key the requests are signed under (the secret key is not readable back). */
  get accessKey(): string {
    return this.credentials.accessKey;
  }

  /** Outbound requests: sets AccessKey (and SecurityToken), then Signature over the ext fields and body. Inbound ones pass untouched. */
  doBeforeRequest(_remoteAddr: string, request: RemotingCommand, direction?: RequestDirection): void {
    if (direction === "inbound") return;
    const { accessKey, secretKey, securityToken } = this.credentials;
    const ext = (request.extFields ??= {});
    ext[AclFields.ACCESS_KEY] = accessKey;
    if (securityToken !== null) ext[AclFields.SECURITY_TOKEN] = securityToken;
    ext[AclFields.SIGNATURE] = aclSignature(request, secretKey);
  }

  /** Does nothing: a response carries no signature to check. */
  doAfterResponse(): void {}
}
