export { bodyCrc32 } from "./body-crc32.ts";
export { encodeFastjson, parseFastjson, quoteBareKeys, stringifyFastjson, type FastjsonOptions } from "./fastjson.ts";
export {
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  UnregisterBrokerRequestHeader,
} from "./headers.ts";
export {
  encodeHeartbeatData,
  parseHeartbeatData,
  type ConsumerData,
  type HeartbeatData,
  type ProducerData,
  type SubscriptionData,
} from "./heartbeat-data.ts";
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
