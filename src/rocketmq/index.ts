export { bodyCrc32 } from "./body-crc32.ts";
export { encodeFastjson, parseFastjson, quoteBareKeys, stringifyFastjson, type FastjsonOptions } from "./fastjson.ts";
export { allocateMessageQueueAveragely } from "./allocate-averagely.ts";
export {
  encodeConsumerIdList,
  encodeLockBatchRequestBody,
  encodeLockBatchResponseBody,
  parseConsumerIdList,
  parseLockBatchRequestBody,
  parseLockBatchResponseBody,
  type ConsumerIdList,
  type LockBatchRequestBody,
  type LockBatchResponseBody,
} from "./consumer-bodies.ts";
export {
  ConsumerSendMsgBackRequestHeader,
  GetConsumerListByGroupRequestHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  NotifyConsumerIdsChangedRequestHeader,
  OffsetResponseHeader,
  processOffsetResponse,
  QueryConsumerOffsetRequestHeader,
  QueueOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UnregisterClientRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from "./consumer-headers.ts";
export { DEFAULT_MESSAGE_DELAY_LEVEL, effectiveDelayLevel, parseDelayLevels, sendBackDelayLevel } from "./delay-levels.ts";
export {
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  UnregisterBrokerRequestHeader,
} from "./headers.ts";
export {
  ConsumeFromWhere,
  ConsumeType,
  encodeHeartbeatData,
  MessageModel,
  parseHeartbeatData,
  type ConsumerData,
  type HeartbeatData,
  type ProducerData,
  type SubscriptionData,
} from "./heartbeat-data.ts";
export { compressedSysFlag, DEFAULT_COMPRESS_BODY_THRESHOLD, DEFAULT_COMPRESS_LEVEL, shouldCompressBody, type BodyDecompressor } from "./message/compression.ts";
export { bytesToHex, hexToBytes } from "./message/hex.ts";
export { formatIp, formatIpAndPort, parseIp, parseIpAndPort, type IpAndPort } from "./message/ip-address.ts";
export { decodeMessageBatch, encodeMessageBatch, type BatchEntry, type BatchMessageInit } from "./message/message-batch-codec.ts";
export { checkBatch, prepareMessageBatch, type PreparedBatch } from "./message/message-batch.ts";
export { MessageConst, RESERVED_PROPERTY_NAMES } from "./message/message-const.ts";
export {
  decodeMessageExts,
  encodeMessageExt,
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  type DecodeMessageExtOptions,
  type MessageExtInit,
} from "./message/message-ext-codec.ts";
export { decodeMessageId, MessageIdGenerator, selectMessageIdIp, type DecodedMessageId, type MessageIdSource } from "./message/message-id.ts";
export { CompressionType, compressionTypeOf, MessageSysFlag, transactionValue } from "./message/message-sys-flag.ts";
export { messageProperties, type Message, type MessageExt } from "./message/message.ts";
export { createOffsetMessageId, decodeOffsetMessageId, type OffsetMessageId } from "./message/offset-message-id.ts";
export {
  decodeProperties,
  decodePropertiesBytes,
  encodeProperties,
  getProperty,
  joinProperties,
  NAME_VALUE_SEPARATOR,
  newProperties,
  PROPERTY_SEPARATOR,
  type Properties,
  type PropertiesInput,
} from "./message/properties.ts";
export { dlqTopicOf, isSystemTopic, MixAll, NOT_ALLOWED_SEND_TOPICS, retryTopicOf, TopicValidator } from "./message/topics.ts";
export {
  checkConsumerGroup,
  checkGroup,
  checkMessage,
  checkNotAllowedSendTopic,
  checkProducerGroup,
  checkTopic,
  DEFAULT_MAX_MESSAGE_SIZE,
  GROUP_MAX_LENGTH,
  hasIllegalCharacters,
  PROPERTIES_MAX_BYTES,
} from "./message/validators.ts";
export { decompressBody, deflateBody, DEFAULT_MAX_INFLATED_BODY_BYTES } from "./message/zlib-compression.ts";
export { compareMessageQueues, sameMessageQueue, type MessageQueue } from "./message-queue.ts";
export { createHeaderRequest, createHeaderResponse, decodeNumericHeader, type NumericHeaderOf } from "./numeric-header.ts";
export {
  defaultTopicRoute,
  masterAddressOf,
  selectOneMessageQueue,
  SendQueueIndex,
  topicRouteDataToPublishInfo,
  topicRouteDataToSubscribeInfo,
  type TopicPublishInfo,
} from "./publish-info.ts";
export {
  buildPullSysFlag,
  createPullMessageRequest,
  createPullMessageResponse,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
} from "./pull-headers.ts";
export { processPullResponse, processPullResult, PullStatus, pullStatusOf, type PullResponse } from "./pull-result.ts";
export {
  encodeRegisterBrokerBody,
  parseRegisterBrokerBody,
  type DataVersion,
  type RegisterBrokerBody,
  type TopicConfig,
} from "./register-broker-body.ts";
export {
  createClusterInfoRequest,
  createHeartbeatRequest,
  createRegisterBrokerRequest,
  createRouteInfoRequest,
  createTopicListRequest,
  createUnregisterBrokerRequest,
  type RequestFields,
} from "./requests.ts";
export {
  encodeClusterInfo,
  encodeTopicList,
  encodeTopicRouteData,
  MASTER_ID,
  parseClusterInfo,
  parseTopicList,
  parseTopicRouteData,
  PermName,
  type BodyEncoding,
  type BrokerData,
  type ClusterInfo,
  type QueueData,
  type TopicList,
  type TopicRouteData,
} from "./route-data.ts";
export {
  buildSendMessageRequestHeader,
  createSendMessageRequest,
  createSendMessageResponse,
  decodeSendMessageRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  sendMessageRequestHeaderV1,
  sendMessageRequestHeaderV2,
  sendRequestCode,
  type SendMessageHeaderInit,
} from "./send-headers.ts";
export {
  ClientErrorCode,
  processSendResponse,
  SEND_RETRY_RESPONSE_CODES,
  sendFailedError,
  sendFailureResponseCode,
  SendStatus,
  sendStatusOf,
  shouldRetrySend,
  type CommunicationMode,
  type SendContext,
  type SendResult,
} from "./send-result.ts";
export {
  brokerTagFilterMatches,
  buildSubscriptionData,
  clientTagFilterMatches,
  ExpressionType,
  javaStringHashCode,
  SUB_ALL,
  tagsCodeOf,
} from "./subscription.ts";
export { clientIdentity, type ClientIdentity } from "./client/client-identity.ts";
export { Producer, type ProducerSendResult, type SendOptions } from "./producer/producer.ts";
export { PRODUCER_DEFAULTS, type ProducerInit, type ProducerOptions } from "./producer/producer-options.ts";
export type { ProducerMessage } from "./producer/producer-message.ts";
export { selectQueueByHash, type QueueSelector } from "./producer/queue-selector.ts";
export { Consumer } from "./consumer/consumer.ts";
export { CONSUMER_DEFAULTS, type ConsumeFrom, type ConsumerInit, type ConsumerOptions } from "./consumer/consumer-options.ts";
export type { ConsumerMessage } from "./consumer/consumer-message.ts";
