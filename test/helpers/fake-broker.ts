import { RequestCode, ResponseCode, silentLogger, type RemotingCommand, type RemotingServer } from "../../src/index.ts";
import { createRegisterBrokerRequest, createSendMessageResponse, PermName } from "../../src/rocketmq/index.ts";
import { HOST, type Harness } from "./harness.ts";

/** What a scripted broker saw. */
export interface FakeBroker {
  server: RemotingServer;
  address: string;
  /** Every request it received, in order. */
  requests: RemotingCommand[];
}

/**
 * A broker whose answers to sends a test scripts (`onSend`: an answer, or a promise of one, or a
 * promise that never settles), registered with the name servers for `topics`: for the failures
 * BrokerLite never produces (busy, flush timeouts, silence).
 */
export async function startFakeBroker(
  h: Harness,
  nameServers: readonly string[],
  options: { brokerName: string; topics: readonly string[]; onSend: (request: RemotingCommand, fake: FakeBroker) => RemotingCommand | Promise<RemotingCommand> },
): Promise<FakeBroker> {
  const fake = { requests: [] as RemotingCommand[] } as FakeBroker;
  fake.server = await h.server({ host: HOST, port: 0, logger: silentLogger }, (s) => {
    s.registerDefaultProcessor((_ctx, request) => {
      fake.requests.push(request);
      if (request.code === RequestCode.SEND_MESSAGE_V2 || request.code === RequestCode.SEND_BATCH_MESSAGE) return options.onSend(request, fake);
      return createSendMessageResponse({ msgId: "", queueId: 0, queueOffset: 0 }, { code: ResponseCode.SUCCESS });
    });
  });
  fake.address = `${HOST}:${fake.server.port}`;
  const topicConfigTable = Object.fromEntries(
    options.topics.map((t) => [t, { topicName: t, readQueueNums: 2, writeQueueNums: 2, perm: PermName.PERM_READ | PermName.PERM_WRITE, topicFilterType: "SINGLE_TAG", topicSysFlag: 0, order: false }]),
  );
  const client = h.client({ logger: silentLogger });
  for (const ns of nameServers) {
    const request = createRegisterBrokerRequest(
      { brokerName: options.brokerName, brokerAddr: fake.address, clusterName: "DefaultCluster", haServerAddr: fake.address, brokerId: 0n },
      { topicConfigSerializeWrapper: { topicConfigTable, dataVersion: { counter: 1, timestamp: Date.now() } }, filterServerList: [] },
    );
    const response = await client.invokeSync(ns, request, 3000);
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`registering the fake broker failed: ${response.code}`);
  }
  return fake;
}

/** A broker's answer to a send with `code` (and a plausible header, as a stored send has). */
export function sendAnswer(code: number, queueOffset = 0): RemotingCommand {
  return createSendMessageResponse({ msgId: "7F00000100002A9F0000000000000000", queueId: 0, queueOffset }, { code, remark: code === 0 ? null : `scripted ${code}` });
}
