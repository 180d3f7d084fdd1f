export { formatAddress, parseAddress, type HostPort } from "./address.ts";
export type { ChannelEventListener, ChannelEventType } from "./observability/channel-events.ts";
export { coarseClock, type Clock } from "./time/clock.ts";
export { EventLoopExecutor, type EventLoopExecutorOptions, type RequestExecutor } from "./inbound/executor.ts";
export type { IoWorkerLauncher, IoWorkerPool } from "./io-workers.ts";
export { defaultLogger, silentLogger, type Logger } from "./observability/logger.ts";
export { CLIENT_DEFAULTS, SERVER_DEFAULTS, type ModuleLocation, type ClientOptions, type EndpointOptions, type ServerOptions } from "./options.ts";
export type { LatencySummary } from "./observability/latency-histogram.ts";
export type { InvokeCallback } from "./outbound/call.ts";
export type {
  ProcessorContext,
  ProcessorFunction,
  ProcessorObject,
  ProcessorResult,
  RemotingChannel,
  RequestProcessor,
} from "./inbound/processor.ts";
export { CONNECTION_BUSY_REMARK, OVERLOAD_REMARK, REJECT_REQUEST_REMARK } from "./endpoint/remoting-endpoint.ts";
export type { RemotingStats } from "./observability/remoting-stats.ts";
export type { RequestTask } from "./inbound/inbound-request.ts";
export type { RequestDirection, RPCHook } from "./rpc-hook.ts";
export { decideTls, TLS_HANDSHAKE_BYTE, TLS_MODES, type TlsDecision, type TlsMode } from "./connection/tls-mode.ts";
export { TracingChannels, type InvokeTraceContext, type ProcessTraceContext } from "./observability/trace-context.ts";
export type { CodeStats, TrafficStats } from "./observability/traffic-stats.ts";
export type {
  ClientTlsOptions,
  ConnectOptions,
  ListenOptions,
  Pem,
  ServerTlsOptions,
  SocketHandler,
  TlsOptions,
  Transport,
  TransportListener,
  TransportSocket,
} from "./transport.ts";
