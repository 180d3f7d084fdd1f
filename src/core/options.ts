import { describeValue } from "../protocol/describe-value.ts";
import { DEFAULT_MAX_FRAME_LENGTH } from "../protocol/frame-codec.ts";
import { commandDefaults } from "../protocol/remoting-command.ts";
import type { SerializeType } from "../protocol/serialize-type.ts";
import type { Timers } from "./time/timers.ts";
import { defaultLogger, type Logger } from "./observability/logger.ts";
import { TLS_MODES, type TlsMode } from "./connection/tls-mode.ts";
import type { ClientTlsOptions, ServerTlsOptions } from "./transport.ts";

/** Options shared by RemotingServer and RemotingClient. Times in ms, sizes in bytes. */
export interface EndpointOptions {
  /** Largest frame accepted or sent, 4-byte prefix included. Default 16 MiB (Java's frameMaxLength). */
  maxFrameLength: number;
  /** Largest header accepted (JSON text or ROCKETMQ bytes); a longer one closes the connection. */
  maxHeaderLength: number;
  /**
   * Once a frame's first byte arrived, the rest must follow within this many ms (slowloris); also the
   * budget for a server-side TLS handshake. Checked by the scan, so enforced within scanIntervalMs.
   * 0 disables.
   */
  frameTimeoutMs: number;
  /**
   * Requests of one connection being processed at once (running or queued for an executor); beyond
   * this, requests are answered SYSTEM_BUSY, so one connection cannot take all of the executor.
   */
  maxPendingRequestsPerConnection: number;
  /** Concurrent invokeSync/invokeAsync calls (Java's semaphoreAsync); beyond: RemotingTooMuchRequestError. */
  asyncSemaphoreValue: number;
  /** Concurrent unsent invokeOneway calls (Java's semaphoreOneway). */
  onewaySemaphoreValue: number;
  /**
   * Longest pause between two scans of pending calls (timeouts) and connections (idle). Deadlines
   * are honoured to within ~10 ms regardless (counted from the end of the turn that made the call):
   * the single scan timer is armed for the earliest one.
   */
  scanIntervalMs: number;
  /** Close a connection with no traffic in either direction for this long; 0 disables. */
  channelMaxIdleMs: number;
  /** Unsent bytes above which a connection is unwritable: a server stops reading it, invokes on it wait. */
  writeBufferHighWaterMark: number;
  /** Unsent bytes at which an unwritable connection becomes writable again. */
  writeBufferLowWaterMark: number;
  /** Default executor: processors running at once (an async processor holds its slot until it settles). */
  maxInFlightRequests: number;
  /** Default executor: requests waiting for a slot; beyond this, SYSTEM_BUSY "[OVERLOAD]". */
  maxQueuedRequests: number;
  /** Header type of the responses the endpoint creates itself (errors, GO_AWAY). Java's default: JSON. */
  serializeType: SerializeType;
  /** LanguageCode name on commands the endpoint creates. */
  language: string;
  /** Protocol version on commands the endpoint creates (479 = RocketMQ 5.3.3). */
  version: number;
  /** Channel events waiting for the listener; beyond this they are dropped (and counted). */
  channelEventQueueCapacity: number;
  /** shutdown() waits this long for in-flight work before closing everything. */
  shutdownTimeoutMs: number;
  /** Where the endpoint logs (any object with debug, info, warn, error). Default defaultLogger: warnings and errors to the console. */
  logger: Logger;
  /** Count requests, errors and latency by request code for `stats` (served and invoked); false counts nothing. */
  trafficStats: boolean;
  /**
   * Where time comes from: the clock for deadlines, idle checks and stats, and the timer the scan
   * runs on. null: the system's. Tests pass a manual one to move time forward without sleeping.
   */
  timers: Timers | null;
  /** The budget of a call made without one (the options form of invoke* with no timeoutMs). */
  invokeTimeoutMs: number;
  /**
   * Unsent bytes a connection may hold for a peer that does not read them (answers included).
   * Requests are not read from a connection whose unsent answers, plus those its requests in
   * progress are expected to add, would exceed it; a connection that goes past it anyway while over
   * writeBufferHighWaterMark is closed as a slow consumer (logged, counted in stats).
   */
  maxWriteBufferBytes: number;
  /**
   * Record where each call was made and append it to the stack of its error, if it fails: errors
   * found by a timer or a closing socket otherwise show only the library's frames. Costs a stack
   * capture per call.
   */
  captureCallSites: boolean;
}

export interface ServerOptions extends EndpointOptions {
  /** Address to bind. Default "0.0.0.0". */
  host: string;
  /** Port to bind; 0 picks a free one (read it from server.port after start()). */
  port: number;
  /**
   * Listen on this unix domain socket instead of host and port (clients call "unix:<path>"). A stale
   * socket file is replaced, a live one is an error; the file is removed on shutdown.
   */
  unix: string | null;
  /** While shutting down, answer requests from clients newer than 5.3.1 with GO_AWAY (RocketMQ 5.2+ graceful shutdown). */
  goAwayOnShutdown: boolean;
  /** Open connections at once; a connection beyond this is closed as soon as it is accepted (logged). */
  maxConnections: number;
  /**
   * Java's tls.server.mode: "permissive" (the default) serves TLS and plaintext clients on the same
   * port, told apart by their first byte; "enforcing" closes plaintext clients; "disabled" closes TLS
   * clients. TLS needs `tls` (key and cert); without it TLS clients are refused.
   */
  tlsMode: TlsMode;
  /** The server's certificate and key (and, for mutual TLS, the CA clients must be signed by). */
  tls: ServerTlsOptions | null;
  /** Let other listeners bind the same port (SO_REUSEPORT): the kernel spreads connections over them. */
  reusePort: boolean;
  /**
   * HAProxy PROXY protocol (v1 text, v2 binary) before anything else on a connection, TLS included:
   * "required" closes a connection that does not start with one, "optional" tells a header from a
   * RocketMQ frame or a TLS handshake by the first bytes, "disabled" expects none. With a header,
   * processors see the original client as ctx.remoteAddress and the header as ctx.proxyHeader.
   * Only enable it behind a proxy you trust: a client that reaches the port directly can claim any
   * address (with "optional" too).
   */
  proxyProtocol: ProxyProtocolMode;
}

/** Server option proxyProtocol. */
export type ProxyProtocolMode = "disabled" | "optional" | "required";

export interface ClientOptions extends EndpointOptions {
  /** Budget for opening a connection (also bounded by each call's own deadline). */
  connectTimeoutMs: number;
  /** Close a connection whose invokeSync timed out with budget to spare (5.1.4+ rule). */
  closeSocketIfTimeout: boolean;
  /** On GO_AWAY, reconnect and re-send the call once. */
  enableReconnectForGoAway: boolean;
  /** Java's useTLS: open every connection with TLS, verifying the server's certificate by default. */
  useTLS: boolean;
  /** TLS settings when useTLS is on: trusted CA, client certificate and key, rejectUnauthorized. */
  tls: ClientTlsOptions | null;
}

const endpointDefaults: EndpointOptions = {
  maxFrameLength: DEFAULT_MAX_FRAME_LENGTH,
  maxHeaderLength: 1024 * 1024,
  frameTimeoutMs: 60_000,
  maxPendingRequestsPerConnection: 4096,
  asyncSemaphoreValue: 65535,
  onewaySemaphoreValue: 65535,
  scanIntervalMs: 1000,
  channelMaxIdleMs: 120_000,
  writeBufferHighWaterMark: 1024 * 1024,
  writeBufferLowWaterMark: 256 * 1024,
  maxInFlightRequests: 1024,
  maxQueuedRequests: 10_000,
  serializeType: commandDefaults.serializeType,
  language: commandDefaults.language,
  version: commandDefaults.version,
  channelEventQueueCapacity: 10_000,
  shutdownTimeoutMs: 5_000,
  logger: defaultLogger,
  trafficStats: true,
  timers: null,
  invokeTimeoutMs: 3_000,
  maxWriteBufferBytes: 4 * 1024 * 1024,
  captureCallSites: false,
};

/** Every RemotingServer option's default (frozen); the README's Configuration table lists them. */
export const SERVER_DEFAULTS: Readonly<ServerOptions> = Object.freeze({
  ...endpointDefaults,
  // Java's server permits: it calls clients rarely (transaction checks, consumer queries).
  asyncSemaphoreValue: 64,
  onewaySemaphoreValue: 256,
  host: "0.0.0.0",
  port: 0,
  unix: null,
  goAwayOnShutdown: false,
  maxConnections: 10_000,
  tlsMode: "permissive",
  tls: null,
  reusePort: false,
  proxyProtocol: "disabled",
});

/** Every RemotingClient option's default (frozen); the README's Configuration table lists them. */
export const CLIENT_DEFAULTS: Readonly<ClientOptions> = Object.freeze({
  ...endpointDefaults,
  connectTimeoutMs: 3_000,
  closeSocketIfTimeout: true,
  enableReconnectForGoAway: true,
  useTLS: false,
  tls: null,
});

/** Validates one option: null when fine, else what the value must be. */
export type Check = (value: unknown) => string | null;

export const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? null : `an integer from ${min} to ${max}`;
export const boolean: Check = (v) => (typeof v === "boolean" ? null : "true or false");
export const string: Check = (v) => (typeof v === "string" && v !== "" ? null : "a non-empty string");
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? null : values.map((x) => `"${x}"`).join(" or ");
export const logger: Check = (v) =>
  typeof v === "object" && v !== null && ["debug", "info", "warn", "error"].every((m) => typeof (v as Record<string, unknown>)[m] === "function")
    ? null
    : "an object with debug, info, warn and error methods";
const stringOrNull: Check = (v) => (v === null || (typeof v === "string" && v !== "") ? null : "null or a non-empty string");
const timersOrNull: Check = (v) =>
  v === null || (typeof v === "object" && ["now", "setTimeout", "clearTimeout"].every((m) => typeof (v as Record<string, unknown>)[m] === "function"))
    ? null
    : "null or an object with now, setTimeout and clearTimeout methods";

const pem = (v: unknown): boolean => typeof v === "string" || v instanceof Uint8Array;
const pems = (v: unknown): boolean => pem(v) || (Array.isArray(v) && v.length > 0 && v.every(pem));
const tlsFieldChecks: Record<string, (v: unknown) => boolean> = {
  key: pems,
  cert: pems,
  ca: pems,
  passphrase: (v) => typeof v === "string",
  rejectUnauthorized: (v) => typeof v === "boolean",
  requestCert: (v) => typeof v === "boolean",
  serverName: (v) => typeof v === "string" && v !== "",
};

/** TLS options: null, or an object of known fields (PEM as a string, bytes, or an array of them). */
const tlsOptions =
  (fields: readonly string[], required: readonly string[]): Check =>
  (v) => {
    const expected = `null or an object with ${fields.join(", ")} (${required.length > 0 ? `${required.join(" and ")} required; ` : ""}PEM as a string, bytes or an array of them)`;
    if (v === null) return null;
    if (typeof v !== "object" || Array.isArray(v)) return expected;
    const given = v as Record<string, unknown>;
    for (const [name, value] of Object.entries(given)) {
      if (value === undefined) continue;
      if (!fields.includes(name) || !tlsFieldChecks[name]!(value)) return expected;
    }
    return required.every((name) => given[name] !== undefined) ? null : expected;
  };
/**
 * Where a module to load in a worker is: a URL object (anything with an `href`, so that the
 * declarations need no DOM or Node typings), a file: URL string or an absolute path.
 */
export type ModuleLocation =
  | string
  | {
      /** The module's URL (a URL object's href: "file:///srv/app/processors.ts"). */
      readonly href: string;
    };

/** A module to load in a worker: a URL, a file: URL string or an absolute path (see workers/module-url.ts). */
export const moduleLocation: Check = (v) =>
  (typeof v === "string" && v !== "") || (typeof v === "object" && v !== null && typeof (v as { href?: unknown }).href === "string") ? null : "a URL or a path string";

const endpointChecks: Record<keyof EndpointOptions, Check> = {
  maxFrameLength: integer(64, 0x7fffffff),
  maxHeaderLength: integer(64, 0xffffff),
  frameTimeoutMs: integer(0),
  maxPendingRequestsPerConnection: integer(1),
  asyncSemaphoreValue: integer(1),
  onewaySemaphoreValue: integer(1),
  scanIntervalMs: integer(1),
  channelMaxIdleMs: integer(0),
  writeBufferHighWaterMark: integer(1),
  writeBufferLowWaterMark: integer(0),
  maxInFlightRequests: integer(1),
  maxQueuedRequests: integer(0),
  serializeType: oneOf("JSON", "ROCKETMQ"),
  language: string,
  version: integer(-32768, 2147483647),
  channelEventQueueCapacity: integer(1),
  shutdownTimeoutMs: integer(0),
  logger,
  trafficStats: boolean,
  timers: timersOrNull,
  invokeTimeoutMs: integer(0),
  maxWriteBufferBytes: integer(1),
  captureCallSites: boolean,
};

/** `options` when it is an options object (or absent); a TypeError otherwise: spread, a number reads as no options at all and a string as options "0", "1"... */
export function checkOptionsObject<T>(kind: string, options: T): T {
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
    throw new TypeError(`${kind}: options must be an object, got ${describeValue(options)}`);
  }
  return options;
}

/** Defaults overlaid with `given`, each given option checked; frozen. `kind` names the owner in errors. */
export function resolveOptions<T extends object>(kind: string, defaults: Readonly<T>, checks: Record<keyof T, Check>, given: Partial<T> | undefined): T {
  const options = { ...defaults } as T;
  for (const [name, value] of Object.entries(checkOptionsObject(kind, given) ?? {})) {
    if (value === undefined) continue;
    const check = checks[name as keyof T];
    if (check === undefined) throw new TypeError(`${kind}: unknown option "${name}"`);
    const expected = check(value);
    if (expected !== null) throw new TypeError(`${kind}: option "${name}" must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
    (options as Record<string, unknown>)[name] = value;
  }
  return Object.freeze(options);
}

function resolve<T extends EndpointOptions>(kind: string, defaults: Readonly<T>, checks: Record<keyof T, Check>, given: Partial<T> | undefined): T {
  const options = resolveOptions(kind, defaults, checks, given);
  if (options.maxWriteBufferBytes < options.writeBufferHighWaterMark) {
    throw new TypeError(`${kind}: option "maxWriteBufferBytes" (${options.maxWriteBufferBytes}) must not be below "writeBufferHighWaterMark" (${options.writeBufferHighWaterMark})`);
  }
  if (options.writeBufferLowWaterMark > options.writeBufferHighWaterMark) {
    throw new TypeError(`${kind}: option "writeBufferLowWaterMark" (${options.writeBufferLowWaterMark}) must not exceed "writeBufferHighWaterMark" (${options.writeBufferHighWaterMark})`);
  }
  return options;
}

export function resolveServerOptions(given?: Partial<ServerOptions>): ServerOptions {
  const options = resolve(
    "RemotingServer",
    SERVER_DEFAULTS,
    {
      ...endpointChecks,
      host: string,
      port: integer(0, 65535),
      unix: stringOrNull,
      goAwayOnShutdown: boolean,
      maxConnections: integer(1),
      tlsMode: oneOf(...TLS_MODES),
      tls: tlsOptions(["key", "cert", "ca", "passphrase", "requestCert", "rejectUnauthorized"], ["key", "cert"]),
      reusePort: boolean,
      proxyProtocol: oneOf("disabled", "optional", "required"),
    },
    given,
  );
  if (options.unix !== null && (given?.host !== undefined || given?.port !== undefined)) {
    throw new TypeError(`RemotingServer: option "unix" listens on a socket file; it cannot be given with "host" or "port"`);
  }
  if (options.tlsMode === "enforcing" && options.tls === null) {
    throw new TypeError(`RemotingServer: option "tlsMode" is "enforcing" but option "tls" (key and cert) is not set`);
  }
  return options;
}

export function resolveClientOptions(given?: Partial<ClientOptions>): ClientOptions {
  const options = resolve(
    "RemotingClient",
    CLIENT_DEFAULTS,
    {
      ...endpointChecks,
      connectTimeoutMs: integer(1),
      closeSocketIfTimeout: boolean,
      enableReconnectForGoAway: boolean,
      useTLS: boolean,
      tls: tlsOptions(["key", "cert", "ca", "passphrase", "rejectUnauthorized", "serverName"], []),
    },
    given,
  );
  if (options.tls !== null && !options.useTLS) {
    // Settings for TLS without TLS on would silently send plaintext: say so instead.
    throw new TypeError(`RemotingClient: option "tls" is set but option "useTLS" is false; set useTLS: true to use TLS`);
  }
  return options;
}
