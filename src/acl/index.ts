export { AclClientRPCHook } from "./acl-client-hook.ts";
export { AclServerRPCHook, type AclServerOptions } from "./acl-server-hook.ts";
export { aclSignature } from "./acl-signature.ts";
export { AclFields, type SessionCredentials } from "./session-credentials.ts";
