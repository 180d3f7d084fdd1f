/**
 * The I/O workers module of the bench's io-server: every worker's server echoes, with the library
 * build the io-server measures (named by the IO_SETUP_LIBRARY environment variable, which worker
 * threads inherit).
 */
import { registerEcho } from "./echo.ts";

export const IO_SETUP_LIBRARY = "BENCH_IO_LIBRARY";

type Library = Pick<typeof import("../../src/index.ts"), "createResponse">;
type Server = import("../../src/index.ts").RemotingServer;

export async function setup(server: Server): Promise<void> {
  const entry = process.env[IO_SETUP_LIBRARY];
  if (entry === undefined) throw new Error(`${IO_SETUP_LIBRARY} is not set: this module is the bench io-server's`);
  registerEcho((await import(entry)) as Library, server);
}
