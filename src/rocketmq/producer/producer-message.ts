import { commandBody } from "../../protocol/command-fields.ts";
import { describeValue } from "../../protocol/describe-value.ts";
import type { Message } from "../message/message.ts";
import type { PropertiesInput } from "../message/properties.ts";

/** A message as Producer.send takes it. */
export interface ProducerMessage {
  /** The topic: at most 127 characters of letters, digits, "%", "|", "_" and "-". */
  topic: string;
  /** The bytes to send: a string goes as UTF-8, any other view or ArrayBuffer as its exact bytes. */
  body: string | Uint8Array | ArrayBufferView | ArrayBuffer;
  /** One tag; consumers filter on it. */
  tags?: string;
  /** Business keys the broker indexes (several are joined by a space). */
  keys?: string | readonly string[];
  /** User properties (names RocketMQ reserves are refused). */
  properties?: PropertiesInput;
  /** Delivery delayed by the broker's level table (1 = 1 s ... 18 = 2 h with the defaults); 0 or absent: at once. */
  delayLevel?: number;
  /** An int32 stored with the message (Java's Message.flag). */
  flag?: number;
  /** Whether the broker answers only once the message is stored as configured (WAIT); default true. */
  waitStoreMsgOK?: boolean;
}

const FIELDS = new Set(["topic", "body", "tags", "keys", "properties", "delayLevel", "flag", "waitStoreMsgOK"]);

/** The Message a ProducerMessage stands for; a TypeError naming the field for a value of the wrong type or an unknown field. */
export function toMessage(input: unknown, what: string): Message {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new TypeError(`${what}: expected a message object, got ${describeValue(input)}`);
  const m = input as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!FIELDS.has(key)) throw new TypeError(`${what}: unknown field "${key}"`);
  if (typeof m.topic !== "string") throw new TypeError(`${what}.topic: expected a string, got ${describeValue(m.topic)}`);
  if (m.body === null || m.body === undefined) throw new TypeError(`${what}.body: required, got ${describeValue(m.body)}`);
  const message: Message = { topic: m.topic, body: commandBody(`${what}.body`, m.body)! };
  if (m.tags !== undefined) message.tags = field(m.tags, "string", `${what}.tags`);
  if (m.keys !== undefined) {
    const keys = m.keys;
    if (typeof keys !== "string" && !(Array.isArray(keys) && keys.every((k) => typeof k === "string"))) {
      throw new TypeError(`${what}.keys: expected a string or an array of strings, got ${describeValue(keys)}`);
    }
    message.keys = keys;
  }
  if (m.properties !== undefined) {
    if (typeof m.properties !== "object" || m.properties === null) throw new TypeError(`${what}.properties: expected an object or a Map of strings, got ${describeValue(m.properties)}`);
    message.properties = m.properties as PropertiesInput;
  }
  if (m.delayLevel !== undefined) message.delayTimeLevel = field(m.delayLevel, "number", `${what}.delayLevel`);
  if (m.flag !== undefined) message.flag = field(m.flag, "number", `${what}.flag`);
  if (m.waitStoreMsgOK !== undefined) message.waitStoreMsgOK = field(m.waitStoreMsgOK, "boolean", `${what}.waitStoreMsgOK`);
  return message;
}

function field<T extends "string" | "number" | "boolean">(value: unknown, type: T, what: string): T extends "string" ? string : T extends "number" ? number : boolean {
  if (typeof value !== type) throw new TypeError(`${what}: expected a ${type}, got ${describeValue(value)}`);
  return value as never;
}
