import { existsSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ModuleLocation } from "../core/options.ts";

/**
 * The URL a worker imports a user module from. Relative paths are refused: relative to what would
 * be a guess (the caller's file, the process's directory?), so the caller says it with a URL.
 * A file that does not exist is reported here, by the option's name, instead of as a failed worker.
 */
export function moduleHref(location: ModuleLocation, option: string): string {
  let url: URL;
  if (typeof location !== "string") url = new URL(location.href);
  else if (location.startsWith("file:")) url = new URL(location);
  else if (isAbsolute(location)) url = pathToFileURL(location);
  else throw new TypeError(`${option} must be a URL or an absolute path, e.g. new URL("./processors.ts", import.meta.url); got "${location}"`);
  if (url.protocol === "file:" && !existsSync(fileURLToPath(url))) throw new TypeError(`${option}: no such file ${fileURLToPath(url)}`);
  return url.href;
}
