import type { RemotingCommand } from "../../protocol/remoting-command.ts";
import type { InvokeCallback } from "../outbound/call.ts";

/** invokeSync's form of a call: a promise of the response. */
export function callForResponse(start: (callback: InvokeCallback) => void): Promise<RemotingCommand> {
  return new Promise((resolve, reject) => start((error, response) => (error === null ? resolve(response!) : reject(error))));
}

/** invokeOneway's form: a promise that resolves once the request is queued on its connection. */
export function callOneway(start: (callback: InvokeCallback) => void): Promise<void> {
  return new Promise((resolve, reject) => start((error) => (error === null ? resolve() : reject(error))));
}
