export { formatAddress, formatSocketAddress, parseAddress, parseSocketAddress, type HostPort, type SocketAddress, type UnixPath } from "./address.ts";
export type { ChannelEventListener, ChannelEventType } from "./observability/channel-events.ts";
export type { Timers, TimerHandle } from "./time/timers.ts";
export type { ExecutorStats, ExecutorTask, RequestExecutor } from "./inbound/executor.ts";
export { EventLoopExecutor, type EventLoopExecutorOptions } from "./inbound/event-loop-executor.ts";
export { defaultLogger, silentLogger, type Logger } from "./observability/logger.ts";
export { CLIENT_DEFAULTS, SERVER_DEFAULTS, type ClientOptions, type EndpointOptions, type ProxyProtocolMode, type ServerOptions } from "./options.ts";
export type { LatencySummary } from "./observability/latency-histogram.ts";
export type { InvokeCallback } from "./outbound/call.ts";
export type { InvokeOptions } from "./outbound/invoke-args.ts";
export type {
  ProcessorContext,
  ProcessorFunction,
  ProcessorObject,
  ProcessorResult,
  RemotingChannel,
  RequestProcessor,
} from "./inbound/processor.ts";
export { CONNECTION_BUSY_REMARK, OVERLOAD_REMARK, REJECT_REQUEST_REMARK, SHUTTING_DOWN_REMARK } from "./inbound/inbound.ts";
export type { RemotingStats } from "./observability/remoting-stats.ts";
export type { RequestDirection, RPCHook } from "./rpc-hook.ts";
export type { TlsMode } from "./connection/tls-mode.ts";
export { ResponseChannel, TracingChannels, type InvokeTraceContext, type ProcessTraceContext, type ResponseTraceContext } from "./observability/trace-context.ts";
export type { CodeStats, TrafficStats } from "./observability/traffic-stats.ts";
export type { RemotingEndpoint } from "./endpoint/remoting-endpoint.ts";
export type { SubRemotingServer, SubRemotingServerOptions } from "./endpoint/sub-remoting-server.ts";
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
