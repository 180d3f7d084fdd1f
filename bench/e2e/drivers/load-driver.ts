import type { DriverSpec } from "../job.ts";
import { aliOnsDriver } from "./ali-ons.ts";
import type { Driver } from "./driver.ts";
import { libraryDriver } from "./library.ts";
import { rawDriver } from "./raw.ts";
import { rocketmqNodejsDriver } from "./rocketmq-nodejs.ts";

/** The driver a job names. */
export async function loadDriver(spec: DriverSpec): Promise<Driver> {
  if (spec.kind === "library") return libraryDriver(spec.entry);
  if (spec.kind === "ali-ons") return aliOnsDriver(spec.dir);
  if (spec.kind === "rocketmq-nodejs") return rocketmqNodejsDriver(spec.dir);
  return rawDriver;
}
