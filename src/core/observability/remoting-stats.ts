import { TrafficCounters, type TrafficStats } from "./traffic-stats.ts";

/** A snapshot of an endpoint (server or client): `server.stats` / `client.stats`. Plain data. */
export interface RemotingStats {
  /** Open connections. */
  connections: number;
  /** Requests from peers whose processor is running (an async one until its promise settles). */
  inFlight: number;
  /** Requests from peers waiting for an executor slot. */
  queued: number;
  /** Bytes accepted for sending that the sockets have not taken yet, over all connections. */
  bytesQueued: number;
  /** Calls this endpoint made that are not settled yet (connecting, waiting to be sent, or sent). */
  pendingCalls: number;
  /** Channel events dropped because the listener's queue was full. */
  droppedEvents: number;
  /** Requests read but never started because their connection closed first. */
  droppedRequests: number;
  /** Connections closed because their unsent answers went past maxWriteBufferBytes (peers that do not read). */
  slowConsumerCloses: number;
  /**
   * Requests peers sent to this endpoint, by request code. `errors`: answers with a response code
   * other than SUCCESS, by that code. Latency: from arrival until the processor settled.
   */
  served: TrafficStats;
  /**
   * Calls this endpoint made, by request code. `errors`: failed calls by error code (`ERR_...`),
   * and answers with a response code other than SUCCESS, by that code. Latency: from the invoke
   * until the response (oneway calls have none).
   */
  invoked: TrafficStats;
}

/** The counters behind RemotingStats.served and .invoked. */
export class TrafficRecorder {
  readonly served: TrafficCounters;
  readonly invoked: TrafficCounters;

  constructor(enabled: boolean) {
    this.served = new TrafficCounters(enabled);
    this.invoked = new TrafficCounters(enabled);
  }
}
