/**
 * RocketMQ ACL 1.0 credentials (Java's SessionCredentials) and the ext field names they travel
 * under. The broker looks the secret key up by access key; the secret itself never travels.
 */
export interface SessionCredentials {
  /** Sent in the AccessKey ext field of every signed request; names the secret key on the broker. */
  accessKey: string;
  /** Key of the HMAC-SHA1 signature; never sent. */
  secretKey: string;
  /** Optional token (STS); signed and sent along when set. */
  securityToken?: string | null;
}

/** Ext field names, as Java's SessionCredentials spells them. */
export const AclFields = {
  ACCESS_KEY: "AccessKey",
  SIGNATURE: "Signature",
  SECURITY_TOKEN: "SecurityToken",
} as const;
