import { silentLogger } from "../../src/index.ts";
import { BrokerLite, NameServerLite, type BrokerLiteOptions } from "../../src/lite/index.ts";
import { HOST, type Harness } from "./harness.ts";

/** A NameServerLite and brokers registered with it, on loopback ports of their own, shut down after the test. */
export async function startLiteCluster(h: Harness, brokers: readonly (Omit<BrokerLiteOptions, "nameServers"> & { brokerName: string })[] = [{ brokerName: "broker-a" }]) {
  const namesrv = new NameServerLite({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200 });
  h.defer(() => namesrv.shutdown());
  await namesrv.start();
  const nameServers = [`${HOST}:${namesrv.port}`];
  const started: BrokerLite[] = [];
  for (const options of brokers) {
    const broker = new BrokerLite({ host: HOST, port: 0, logger: silentLogger, shutdownTimeoutMs: 200, ...options, nameServers });
    h.defer(() => broker.shutdown());
    await broker.start();
    started.push(broker);
  }
  return { namesrv, nameServers, brokers: started };
}
