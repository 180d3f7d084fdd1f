import { describeValue } from "../../protocol/describe-value.ts";
import { utf8Length } from "../../protocol/utf8.ts";
import { MQClientError } from "../../errors.ts";
import { ResponseCode } from "../../protocol/response-code.ts";
import { RESERVED_PROPERTY_NAMES } from "./message-const.ts";
import { messageProperties, type Message } from "./message.ts";
import { encodedPropertiesLength, encodeProperties, forEachProperty, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, type Properties } from "./properties.ts";
import { MixAll, NOT_ALLOWED_SEND_TOPICS, TopicValidator } from "./topics.ts";

/*
 * The checks Java's client makes before sending (Validators.checkMessage / checkTopic / checkGroup),
 * with Java's messages. Each failure is an MQClientError whose responseCode is Java's:
 * MESSAGE_ILLEGAL (13) for the body, -1 for the rest. A value of the wrong JavaScript type is a
 * programming error and a TypeError.
 */

/** Java's DefaultMQProducer.maxMessageSize default: 4 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
/** Longest group name (Validators.CHARACTER_MAX_LENGTH). */
export const GROUP_MAX_LENGTH = 255;
/** Most bytes a properties string may take: a record stores its length in an int16. */
export const PROPERTIES_MAX_BYTES = 32767;
/** What the UNIQ_KEY a producer adds takes in the properties string (an IPv6 id, separators included). */
const UNIQ_KEY_ROOM = "UNIQ_KEY".length + 1 + 56 + 1;

/** The characters topic and group names may have, as Java spells them in its messages. */
export const LEGAL = "^[%|a-zA-Z0-9_-]+$";

function legalChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x25 || c === 0x2d || c === 0x5f || c === 0x7c;
}

/** Whether `s` has a character outside ^[%|a-zA-Z0-9_-]+$ (TopicValidator.isTopicOrGroupIllegal). */
export function hasIllegalCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!legalChar(s.charCodeAt(i))) return true;
  return false;
}

/** Java's Character.isWhitespace, for UtilAll.isBlank. */
function isJavaWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  return c === 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

export function isBlank(s: string | null | undefined): boolean {
  if (s === null || s === undefined) return true;
  for (let i = 0; i < s.length; i++) if (!isJavaWhitespace(s.charCodeAt(i))) return false;
  return true;
}

/** Validators.checkTopic: not blank, at most 127 characters, only ^[%|a-zA-Z0-9_-]+$. */
export function checkTopic(topic: string): void {
  if (isBlank(topic)) throw new MQClientError("The specified topic is blank");
  if (topic.length > TopicValidator.TOPIC_MAX_LENGTH) {
    throw new MQClientError(`The specified topic is longer than topic max length ${TopicValidator.TOPIC_MAX_LENGTH}.`);
  }
  if (hasIllegalCharacters(topic)) throw new MQClientError(`The specified topic[${topic}] contains illegal characters, allowing only ${LEGAL}`);
}

/** Validators.isNotAllowedSendTopic: the broker's schedule, transaction and test topics. */
export function checkNotAllowedSendTopic(topic: string): void {
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) throw new MQClientError(`Sending message to topic[${topic}] is forbidden.`);
}

/** Validators.checkGroup: not blank, at most 255 characters, only ^[%|a-zA-Z0-9_-]+$. */
export function checkGroup(group: string): void {
  if (isBlank(group)) throw new MQClientError("the specified group is blank");
  if (group.length > GROUP_MAX_LENGTH) throw new MQClientError(`the specified group is longer than group max length ${GROUP_MAX_LENGTH}.`);
  if (hasIllegalCharacters(group)) throw new MQClientError(`the specified group[${group}] contains illegal characters, allowing only ${LEGAL}`);
}

/** checkGroup, and not DEFAULT_PRODUCER (DefaultMQProducerImpl.checkConfig). */
export function checkProducerGroup(group: string): void {
  checkGroup(group);
  if (group === MixAll.DEFAULT_PRODUCER_GROUP) {
    throw new MQClientError(`producerGroup can not equal ${MixAll.DEFAULT_PRODUCER_GROUP}, please specify another one.`);
  }
}

/** checkGroup, and not DEFAULT_CONSUMER (the consumers' checkConfig). */
export function checkConsumerGroup(group: string): void {
  checkGroup(group);
  if (group === MixAll.DEFAULT_CONSUMER_GROUP) {
    throw new MQClientError(`consumerGroup can not equal ${MixAll.DEFAULT_CONSUMER_GROUP}, please specify another one.`);
  }
}

function hasSeparator(s: string): boolean {
  return s.includes(NAME_VALUE_SEPARATOR) || s.includes(PROPERTY_SEPARATOR);
}

function checkPropertyText(what: string, s: string): void {
  if (hasSeparator(s)) throw new MQClientError(`${what} contains U+0001 or U+0002, which would corrupt the message's properties`);
}

function checkUserProperties(message: Message): void {
  const properties: unknown = message.properties;
  if (properties === undefined) return;
  if (typeof properties !== "object" || properties === null || Array.isArray(properties)) {
    throw new TypeError(`message.properties: expected a Map or an object of strings, got ${Array.isArray(properties) ? "an array" : describeValue(properties)}`);
  }
  forEachProperty(message.properties!, (name, value) => {
    if (typeof name !== "string" || typeof value !== "string") throw new TypeError(`message.properties: names and values must be strings, got ${describeValue(name)} = ${describeValue(value)}`);
    if (RESERVED_PROPERTY_NAMES.has(name)) throw new MQClientError(`The Property<${name}> is used by system, input another please`);
    if (isBlank(name) || isBlank(value)) throw new MQClientError("The name or value of property can not be null or blank string!");
    checkPropertyText(`property name "${name}"`, name);
    checkPropertyText(`the value of property ${name}`, value);
  });
}

/**
 * Validators.checkMessage: the topic (checkTopic, not a forbidden one) and the body (present,
 * non-empty, at most maxMessageSize bytes before compression). Beyond Java, so that the broker
 * never sees a message it would mangle or refuse: user properties may not use reserved names or be
 * blank (Java refuses those in putUserProperty), no property text may contain U+0001 or U+0002,
 * and the properties string must fit 32767 bytes with room for the producer's UNIQ_KEY. Returns
 * the properties it checked (messageProperties(message), a new object the caller may keep).
 */
export function checkMessage(message: Message, options: { maxMessageSize?: number } = {}): Properties {
  if (message === null || message === undefined) throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, "the message is null");
  if (typeof message.topic !== "string") throw new TypeError(`message.topic: expected a string, got ${typeof message.topic}`);
  checkTopic(message.topic);
  checkNotAllowedSendTopic(message.topic);
  const body = message.body;
  if (body === null || body === undefined) throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, "the message body is null");
  if (!(body instanceof Uint8Array)) throw new TypeError(`message.body: expected a Uint8Array, got ${typeof body}`);
  if (body.length === 0) throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, "the message body length is zero");
  const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  if (body.length > max) throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, `the message body size over max value, MAX: ${max}`);
  if (message.flag !== undefined && (message.flag | 0) !== message.flag) throw new TypeError(`message.flag: ${message.flag} is not an int32`);
  const level = message.delayTimeLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 0)) throw new TypeError(`message.delayTimeLevel: ${level} is not an integer >= 0`);
  if (message.tags !== undefined) checkPropertyText("message.tags", message.tags);
  const keys = typeof message.keys === "string" ? [message.keys] : (message.keys ?? []);
  for (const key of keys) checkPropertyText("message.keys", key);
  checkUserProperties(message);
  const properties = messageProperties(message);
  // At most 3 bytes a character: only text near the limit needs to be made and its bytes counted.
  if (3 * encodedPropertiesLength(properties) + UNIQ_KEY_ROOM <= PROPERTIES_MAX_BYTES) return properties;
  const length = utf8Length(encodeProperties(properties)) + UNIQ_KEY_ROOM;
  if (length > PROPERTIES_MAX_BYTES) {
    throw MQClientError.withCode(ResponseCode.MESSAGE_ILLEGAL, `the message properties take ${length} bytes with the UNIQ_KEY, over ${PROPERTIES_MAX_BYTES}`);
  }
  return properties;
}
