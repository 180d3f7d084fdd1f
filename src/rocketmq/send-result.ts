import {
  MQBrokerError,
  MQClientError,
  RemotingAbortedError,
  RemotingConnectError,
  RemotingError,
  RemotingLifecycleError,
  RemotingTimeoutError,
} from "../errors.ts";
import { decodeHeaderField } from "../protocol/custom-header.ts";
import type { RemotingCommand } from "../protocol/remoting-command.ts";
import { ResponseCode } from "../protocol/response-code.ts";
import { MessageConst } from "./message/message-const.ts";
import { MixAll } from "./message/topics.ts";
import type { MessageQueue } from "./message-queue.ts";

/*
 * A broker's answer to a send, as Java's MQClientAPIImpl.processSendResponse reads it, and what
 * Java's DefaultMQProducerImpl.sendDefaultImpl does after each attempt.
 */

/** How a send ended (Java's SendStatus): anything but SEND_OK is stored, but not as asked. */
export const SendStatus = {
  SEND_OK: "SEND_OK",
  FLUSH_DISK_TIMEOUT: "FLUSH_DISK_TIMEOUT",
  FLUSH_SLAVE_TIMEOUT: "FLUSH_SLAVE_TIMEOUT",
  SLAVE_NOT_AVAILABLE: "SLAVE_NOT_AVAILABLE",
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

/** Codes Java's clients put on a failed send themselves (ClientErrorCode). */
export const ClientErrorCode = {
  CONNECT_BROKER_EXCEPTION: 10001,
  ACCESS_BROKER_TIMEOUT: 10002,
  BROKER_NOT_EXIST_EXCEPTION: 10003,
  NO_NAME_SERVER_EXCEPTION: 10004,
  NOT_FOUND_TOPIC_EXCEPTION: 10005,
  REQUEST_TIMEOUT_EXCEPTION: 10006,
  CREATE_REPLY_MESSAGE_EXCEPTION: 10007,
} as const;

/** A send that the broker stored (Java's SendResult). */
export interface SendResult {
  /** SEND_OK, or what went wrong with flushing or replication (Java's SendStatus). */
  sendStatus: SendStatus;
  /** The message's UNIQ_KEY (a batch: the messages' ids joined by ","). */
  msgId: string;
  /** The broker's offset message id (a batch: comma-separated). */
  offsetMsgId: string;
  /** The queue written: the topic, the broker sent to, and the broker's queueId. */
  messageQueue: MessageQueue;
  /** The (first) message's queue offset. */
  queueOffset: number;
  /** The transaction id, for a transactional message. */
  transactionId?: string;
  /** MSG_REGION, "DefaultRegion" when absent. */
  regionId: string;
  /** False only when the broker says TRACE_ON=false. */
  traceOn: boolean;
}

const SEND_STATUS_BY_CODE: ReadonlyMap<number, SendStatus> = new Map([
  [ResponseCode.SUCCESS, SendStatus.SEND_OK],
  [ResponseCode.FLUSH_DISK_TIMEOUT, SendStatus.FLUSH_DISK_TIMEOUT],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, SendStatus.FLUSH_SLAVE_TIMEOUT],
  [ResponseCode.SLAVE_NOT_AVAILABLE, SendStatus.SLAVE_NOT_AVAILABLE],
]);

/** The SendStatus of a broker's answer code, or null for a code Java treats as an error. */
export function sendStatusOf(code: number): SendStatus | null {
  return SEND_STATUS_BY_CODE.get(code) ?? null;
}

/** What processSendResponse needs to know about the send. */
export interface SendContext {
  /** The message's topic (without namespace). */
  topic: string;
  /** The broker sent to. */
  brokerName: string;
  /** Its address, for errors. */
  brokerAddr?: string;
  /** The message's UNIQ_KEY, or a batch's ids in order. */
  uniqueIds: string | readonly string[];
}

/**
 * Java's processSendResponse: SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and
 * SLAVE_NOT_AVAILABLE give a SendResult; any other code is an MQBrokerError carrying it. A result
 * without the required header fields is a RemotingCommandError.
 */
export function processSendResponse(response: RemotingCommand, send: SendContext): SendResult {
  const sendStatus = sendStatusOf(response.code);
  if (sendStatus === null) throw new MQBrokerError(response.code, response.remark, send.brokerAddr ?? null);
  // SendMessageResponseHeader's fields read one by one, in its order (the same errors as
  // decodeNumericHeader gives), rather than a schema walk building an object of them first: this
  // and the written-out request header took a send's header work from 700 to 370 ns.
  const ext = response.extFields;
  const offsetMsgId = decodeHeaderField(ext, "msgId", "string", true) as string;
  const queueId = decodeHeaderField(ext, "queueId", "int", true) as number;
  const queueOffset = decodeHeaderField(ext, "queueOffset", "long", true) as number;
  const transactionId = decodeHeaderField(ext, "transactionId", "string", false) as string | undefined;
  const region = ext?.[MessageConst.PROPERTY_MSG_REGION];
  const result: SendResult = {
    sendStatus,
    msgId: typeof send.uniqueIds === "string" ? send.uniqueIds : send.uniqueIds.join(","),
    offsetMsgId,
    messageQueue: { topic: send.topic, brokerName: send.brokerName, queueId },
    queueOffset,
    regionId: region === undefined || region.length === 0 ? MixAll.DEFAULT_TRACE_REGION_ID : region,
    traceOn: ext?.[MessageConst.PROPERTY_TRACE_SWITCH] !== "false",
  };
  if (transactionId !== undefined) result.transactionId = transactionId;
  return result;
}

/** Broker codes after which Java 4.9.8's synchronous send tries again (DefaultMQProducer.retryResponseCodes). */
export const SEND_RETRY_RESPONSE_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
]);

/** How a send was made: what Java's producer does after a failure depends on it. */
export type CommunicationMode = "sync" | "async" | "oneway";

/**
 * Whether Java 4.9.8's producer makes another attempt (on another broker when there is one) after
 * `error`, with attempts left:
 * - sync: yes after a broker code in SEND_RETRY_RESPONSE_CODES, a connection, send or timeout
 *   failure, or an MQClientError (a broker address that cannot be found); no after any other
 *   broker code (SYSTEM_BUSY and MESSAGE_ILLEGAL included: 5.x retries SYSTEM_BUSY, 4.9.8 does not),
 *   nor when the call was aborted or the client shut down;
 * - async: the same failures of the connection are retried (retryTimesWhenSendAsyncFailed), a
 *   broker's error code never;
 * - oneway: never.
 * A stored-but-not-OK status is not an error: see retryAnotherBrokerWhenNotStoreOK.
 */
export function shouldRetrySend(error: unknown, mode: CommunicationMode): boolean {
  if (mode === "oneway") return false;
  if (error instanceof MQBrokerError) return mode === "sync" && SEND_RETRY_RESPONSE_CODES.has(error.responseCode);
  if (error instanceof RemotingAbortedError || error instanceof RemotingLifecycleError) return false;
  if (error instanceof MQClientError) return mode === "sync";
  return error instanceof RemotingError;
}

/**
 * The code Java puts on the error a synchronous send throws after its last attempt: the broker's
 * code, CONNECT_BROKER_EXCEPTION, ACCESS_BROKER_TIMEOUT, BROKER_NOT_EXIST_EXCEPTION for an
 * MQClientError, -1 otherwise.
 */
export function sendFailureResponseCode(lastError: unknown): number {
  if (lastError instanceof MQBrokerError) return lastError.responseCode;
  if (lastError instanceof RemotingConnectError) return ClientErrorCode.CONNECT_BROKER_EXCEPTION;
  if (lastError instanceof RemotingTimeoutError) return ClientErrorCode.ACCESS_BROKER_TIMEOUT;
  if (lastError instanceof MQClientError) return ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION;
  return -1;
}

/**
 * The error a synchronous send throws when every attempt failed (Java: "Send [n] times, still
 * failed, cost [ms]ms, Topic: t, BrokersSent: [...]"), with the last failure as its cause.
 */
export function sendFailedError(attempt: { times: number; costMs: number; topic: string; brokersSent: readonly string[]; lastError: unknown }): MQClientError {
  const message = `Send [${attempt.times}] times, still failed, cost [${attempt.costMs}]ms, Topic: ${attempt.topic}, BrokersSent: [${attempt.brokersSent.join(", ")}]`;
  return new MQClientError(message, { responseCode: sendFailureResponseCode(attempt.lastError), cause: attempt.lastError });
}
