import { lstatSync, unlinkSync } from "node:fs";
import * as net from "node:net";

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** Whether something accepts connections on the socket file at `path`. */
function isLive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/**
 * Makes `path` free for a listener: a socket file left behind by a process that is gone (nobody
 * accepts on it) is removed; a live one fails with EADDRINUSE, and anything that is not a socket
 * with EEXIST (never deleted: it is not ours).
 */
export async function claimSocketPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw error;
  }
  if (!isSocket) throw codedError(`${path} exists and is not a socket`, "EEXIST");
  if (await isLive(path)) throw codedError(`another process listens on ${path}`, "EADDRINUSE");
  unlinkSync(path);
}

/** Removes the listener's socket file, if it is still a socket. */
export function releaseSocketPath(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // gone already
  }
}
