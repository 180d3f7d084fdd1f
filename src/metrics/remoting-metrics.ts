/**
 * The names Java 5.x records RPC latency under (org.apache.rocketmq.remoting.metrics:
 * RemotingMetricsConstant and RemotingMetricsManager), so that dashboards built for RocketMQ
 * brokers read this library's numbers too, plus the one instrument Java does not have.
 */
export const RemotingMetrics = {
  /** Java's: a request this endpoint processed, from its arrival until its answer was written (ms). */
  HISTOGRAM_RPC_LATENCY: "rocketmq_rpc_latency",
  /** Not in Java: a call this endpoint made, from the invoke until its outcome (ms). */
  HISTOGRAM_RPC_INVOKE_LATENCY: "rocketmq_rpc_invoke_latency",
  LABEL_PROTOCOL_TYPE: "protocol_type",
  LABEL_REQUEST_CODE: "request_code",
  LABEL_RESPONSE_CODE: "response_code",
  LABEL_IS_LONG_POLLING: "is_long_polling",
  LABEL_RESULT: "result",
  PROTOCOL_TYPE_REMOTING: "remoting",
} as const;

/** Values of the `result` attribute. The first five are Java's; the rest are this library's, for calls made. */
export const RemotingMetricsResult = {
  /** The request was oneway: nothing was written. */
  ONEWAY: "oneway",
  /** The answer was written (processing side), or arrived (calling side). */
  SUCCESS: "success",
  /** Java: the write was cancelled. Calling side: the call was aborted (RemotingAbortedError). */
  CANCELED: "cancelled",
  /** Java: the request could not be handed to its executor. Never recorded by this library. */
  PROCESS_REQUEST_FAILED: "process_request_failed",
  /** The connection was gone when the answer was to be written. */
  WRITE_CHANNEL_FAILED: "write_channel_failed",
  TIMEOUT: "timeout",
  CONNECT_FAILED: "connect_failed",
  SEND_REQUEST_FAILED: "send_request_failed",
  TOO_MUCH_REQUEST: "too_much_request",
  FAILED: "failed",
} as const;

/** Java's histogram view for rocketmq_rpc_latency: explicit bucket boundaries in ms. */
export const RPC_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([1, 3, 5, 7, 10, 100, 1000, 2000, 3000]);
