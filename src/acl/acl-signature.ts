import { createHmac } from "node:crypto";
import { extValueString } from "../protocol/ext-fields.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { AclFields } from "./session-credentials.ts";

/**
 * The ACL 1.0 signature of a request (Java's AclUtils.combineRequestContent + AclSigner):
 * HMAC-SHA1, keyed with the UTF-8 secret key, over the values of every ext field except Signature,
 * concatenated in the order of their keys (Java's TreeMap: UTF-16 code unit order, which is also
 * what Array.prototype.sort does), followed by the body bytes; base64 with padding.
 */
export function aclSignature(request: RemotingCommand, secretKey: string, skipField: string | null = null): string {
  const ext = request.extFields;
  const hmac = createHmac("sha1", secretKey);
  if (ext !== null) {
    let content = "";
    for (const key of Object.keys(ext).sort()) {
      if (key !== AclFields.SIGNATURE && key !== skipField) content += extValueString(key, ext[key]);
    }
    hmac.update(content, "utf8");
  }
  if (request.body !== null) hmac.update(request.body);
  return hmac.digest("base64");
}
