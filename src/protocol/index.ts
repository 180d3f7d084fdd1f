export { ByteWriter } from "./byte-writer.ts";
export {
  decodeCustomHeader,
  encodeCustomHeader,
  formatJavaDouble,
  type HeaderFieldType,
  type HeaderFieldValue,
  type HeaderOf,
  type HeaderSchema,
  type OptionalHeaderKeys,
  type RequiredHeaderKeys,
} from "./custom-header.ts";
export { isOneway, isResponse, markOneway, markResponse, RPC_ONEWAY, RPC_TYPE_RESPONSE } from "./flags.ts";
export {
  decodeFrame,
  DEFAULT_MAX_FRAME_LENGTH,
  encodeFrame,
  encodeFrameHeader,
  encodeFrameInto,
} from "./frame-codec.ts";
export { FrameDecoder, type FrameDecoderOptions } from "./frame-decoder.ts";
export { LanguageCode, type LanguageName } from "./language-code.ts";
export { RequestCode, type RequestCodeName } from "./request-code.ts";
export { RemotingSysResponseCode, ResponseCode } from "./response-code.ts";
export {
  type CommandInit,
  createRequest,
  createResponse,
  nextOpaque,
  type RemotingCommand,
  RemotingVersion,
} from "./remoting-command.ts";
export { SerializeType } from "./serialize-type.ts";
export { ProxyProtocolAttribute, proxyProtocolAttributes } from "./proxy/proxy-attributes.ts";
export {
  PROXY_UNIQUE_ID_MAX_LENGTH,
  PROXY_V1_MAX_LENGTH,
  PROXY_V1_PREFIX,
  PROXY_V2_FIXED_LENGTH,
  PROXY_V2_MAX_LENGTH,
  PROXY_V2_SIGNATURE,
  ProxySslClient,
  ProxyTlvType,
  proxyTlvName,
  type ProxyCommand,
  type ProxyEndpoint,
  type ProxyFamily,
  type ProxyHeader,
  type ProxySslInfo,
  type ProxyTlv,
  type ProxyTlvName,
} from "./proxy/proxy-header.ts";
export { detectProxyHeader, PROXY_V1_DECISIVE_LENGTH, PROXY_V2_DECISIVE_LENGTH, type ProxyDetection } from "./proxy/proxy-header-detect.ts";
export {
  encodeProxyHeaderV1,
  encodeProxyHeaderV2,
  encodeProxySslValue,
  encodeProxyTlvs,
  type ProxyHeaderInit,
  type ProxyTlvInit,
} from "./proxy/proxy-header-encode.ts";
export { ProxyHeaderParser, type ProxyHeaderMode, type ProxyParseResult } from "./proxy/proxy-header-parser.ts";
