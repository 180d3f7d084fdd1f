export { ByteWriter } from "./byte-writer.ts";
export {
  decodeCustomHeader,
  encodeCustomHeader,
  formatJavaDouble,
  type HeaderFieldType,
  type HeaderOf,
  type HeaderSchema,
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
