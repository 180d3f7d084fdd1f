export { formatAddress, parseAddress, type HostPort } from "./address.ts";
export type { ChannelEventListener, ChannelEventType } from "./channel-events.ts";
export { coarseClock, type Clock } from "./clock.ts";
export { EventLoopExecutor, type EventLoopExecutorOptions, type RequestExecutor } from "./executor.ts";
export type { IoWorkerLauncher, IoWorkerPool } from "./io-workers.ts";
export { defaultLogger, silentLogger, type Logger } from "./logger.ts";
export { CLIENT_DEFAULTS, SERVER_DEFAULTS, type ModuleLocation, type ClientOptions, type EndpointOptions, type ServerOptions } from "./options.ts";
export type { LatencySummary } from "./latency-histogram.ts";
export type { InvokeCallback } from "./pending-request.ts";
export type {
  ProcessorContext,
  ProcessorFunction,
  ProcessorObject,
  ProcessorResult,
  RemotingChannel,
  RequestProcessor,
} from "./processor.ts";
export { CONNECTION_BUSY_REMARK, OVERLOAD_REMARK, REJECT_REQUEST_REMARK } from "./remoting-endpoint.ts";
export type { RemotingStats } from "./remoting-stats.ts";
export type { RequestTask } from "./request-task.ts";
export type { RequestDirection, RPCHook } from "./rpc-hook.ts";
export { decideTls, TLS_HANDSHAKE_BYTE, TLS_MODES, type TlsDecision, type TlsMode } from "./tls-mode.ts";
export { TracingChannels, type InvokeTraceContext, type ProcessTraceContext } from "./trace-context.ts";
export type { CodeStats, TrafficStats } from "./traffic-stats.ts";
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
