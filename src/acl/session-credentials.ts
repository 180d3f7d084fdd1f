/**
 * RocketMQ ACL 1.0 credentials (Java's SessionCredentials) and the ext field names they travel
 * under. The broker looks the secret key up by access key; the secret itself never travels.
 */
export interface SessionCredentials {
  accessKey: string;
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
