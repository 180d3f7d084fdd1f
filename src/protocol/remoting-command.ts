import { copyOut } from "./alloc.ts";
import { RPC_ONEWAY, RPC_TYPE_RESPONSE } from "./flags.ts";
import { commandBody, commandExtFields, commandFlag, commandNumber, commandLanguage, commandRemark, commandSerializeType } from "./command-fields.ts";
import { describeValue } from "./describe-value.ts";
import { encodeCustomHeader } from "./custom-header.ts";
import { readExtFields } from "./rocketmq-ext-fields.ts";
import type { SerializeType } from "./serialize-type.ts";

/**
 * One RocketMQ remoting command: a request or a response.
 *
 * Ownership: a decoded `body` is a view into the bytes the command was decoded from (the received
 * chunk, or the decoder's reassembly buffer for a frame that arrived in pieces). The library never
 * writes to those bytes again, so the view stays valid for as long as you hold it; holding it also
 * keeps the whole underlying chunk (up to a few hundred KiB) alive, so copy small bodies you keep
 * for a long time. A body you pass in for sending must not be mutated until the send completes.
 */
export interface RemotingCommand {
  /** Request code (requests) or response code (responses). */
  code: number;
  /** LanguageCode name of the sender, e.g. "JAVA". */
  language: string;
  /** Sender's protocol version (the ordinal of its RocketMQ release). */
  version: number;
  /** Correlation id (int32); a response carries its request's opaque. */
  opaque: number;
  /** Bit 0 = response, bit 1 = oneway. */
  flag: number;
  /** Free text: a response's error description (Java's remark), or null. */
  remark: string | null;
  /** The header's string map (a custom header's fields, ACL fields...), or null for none. */
  extFields: Record<string, string> | null;
  /** The payload, or null. Decoded: a view of the received bytes (see Ownership above). */
  body: Uint8Array | null;
  /** The header type this command was decoded from, or will be encoded with. */
  serializeType: SerializeType;
}

/** Protocol versions (ordinals of RocketMQ's MQVersion enum) that change a peer's behaviour. */
export const RemotingVersion = {
  /** Name servers answer standard JSON route data from here on. */
  V4_9_4: 401,
  /** What RocketMQ 4.9.8 clients send, and so what this package's Producer sends (brokers check >= 121 and >= 232 for some features). */
  V4_9_8: 409,
  V5_0_0: 413,
  /** The last version that a gracefully-stopping 5.2+ server does not answer with GO_AWAY. */
  V5_3_1: 475,
  V5_3_3: 479,
} as const;

/** Defaults of commands created by this library; every one can be overridden per command. */
export const commandDefaults = {
  language: "JAVA",
  version: RemotingVersion.V5_3_3 as number,
  serializeType: "JSON" as SerializeType,
};

/** The class behind every command this library creates, and the codec's decoded commands. */
export class Command implements RemotingCommand {
  constructor(
    public code: number,
    public language: string,
    public version: number,
    public opaque: number,
    public flag: number,
    public remark: string | null,
    public extFields: Record<string, string> | null,
    public body: Uint8Array | null,
    public serializeType: SerializeType,
  ) {}
}

/** A received command's ROCKETMQ ext fields, still as bytes: `bytes[start, end)` (see rocketmq-ext-fields.ts). */
export interface ExtFieldBytes {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** ReceivedCommand's reader of its undecoded ext fields (set in its static block: it reads private fields). */
let undecoded: (cmd: ReceivedCommand) => ExtFieldBytes | null;

/**
 * A command received by a RemotingServer or RemotingClient. Its `body` is a view into the received
 * bytes like any decoded body, but the view is created on first read: a view costs far more than
 * the rest of a small command in JavaScriptCore, and many callers never read the body (a send
 * result, a heartbeat answer). Where the transport asks for it (Bun), a small body is a copy
 * instead (see FrameDecoderOptions.copyBodiesUpTo). Likewise a send request's ROCKETMQ ext fields
 * are checked on arrival but made into strings on first read (keepsExtFieldBytes in
 * rocketmq-header.ts): a processor that reads its header straight from the bytes
 * (undecodedExtFields) never pays for them. Until both are read, the command keeps the received
 * chunk. Reading or assigning `body` and `extFields` behaves as on any
 * command; the only difference is that they are accessors, so `{ ...cmd }` and deep-equality
 * against plain objects do not see them (read them explicitly).
 */
export class ReceivedCommand implements RemotingCommand {
  // Declared, not defined: the constructor assigns each once (a class field would be set twice).
  declare code: number;
  declare language: string;
  declare version: number;
  declare opaque: number;
  declare flag: number;
  declare remark: string | null;
  declare serializeType: SerializeType;
  /** The received bytes the body and the undecoded ext fields are in (null once neither is left to make). */
  #source: Uint8Array | null;
  /** Where the body starts in #source: the header's end. */
  #offset: number;
  /**
   * The body's length (0: no body), negated when the body is to be a copy: one private field
   * fewer, as each costs JavaScriptCore's constructor about 5 ns (a ReceivedCommand with four took
   * 14-15 ns to make, with five 20; #ext, the fifth, saves far more than that on a ROCKETMQ header).
   */
  #length: number;
  /** The body; undefined until made. */
  #body: Uint8Array | null | undefined = undefined;
  /** The ext fields, or, until decoded, where they start in #source (they end at #offset). */
  #ext: Record<string, string> | null | number;

  /**
   * The header as decoded into `h` (its ext fields at `h.extStart` in `source`, when left undecoded);
   * the body is `length` bytes at `offset` in `source` (0: no body), made when first read: a copy
   * when `copy`, else a view.
   */
  constructor(h: HeaderFields, serializeType: SerializeType, source: Uint8Array | null, offset: number, length: number, copy: boolean) {
    this.code = h.code;
    this.language = h.language;
    this.version = h.version;
    this.opaque = h.opaque;
    this.flag = h.flag;
    this.remark = h.remark;
    this.serializeType = serializeType;
    this.#ext = h.extStart < 0 ? h.extFields : h.extStart;
    this.#source = source;
    this.#offset = offset;
    this.#length = copy ? -length : length;
  }

  get body(): Uint8Array | null {
    let body = this.#body;
    if (body === undefined) {
      // A plain Uint8Array whatever the chunk's class (Bun hands out Buffers): the same type on
      // every runtime, and slice() copies, as it does on any Uint8Array.
      const length = this.#length;
      const source = this.#source!;
      body = length === 0 ? null : length < 0 ? copyOut(source, this.#offset, -length) : new Uint8Array(source.buffer, source.byteOffset + this.#offset, length);
      this.body = body;
    }
    return body;
  }

  set body(body: Uint8Array | null) {
    this.#body = body;
    if (typeof this.#ext !== "number") this.#source = null;
  }

  get extFields(): Record<string, string> | null {
    const ext = this.#ext;
    if (typeof ext !== "number") return ext;
    const decoded = readExtFields(this.#source!, ext, this.#offset, true);
    this.extFields = decoded;
    return decoded;
  }

  set extFields(extFields: Record<string, string> | null) {
    this.#ext = extFields;
    if (this.#body !== undefined) this.#source = null;
  }

  static {
    undecoded = (cmd) => {
      const start = cmd.#ext;
      return typeof start === "number" ? { bytes: cmd.#source!, start, end: cmd.#offset } : null;
    };
  }
}

/**
 * Where `cmd`'s ext fields are, as received, while nobody has read or set its `extFields`; null
 * once they are strings (an RPC hook may have changed them since), or for any other command. The
 * entries are well formed (checked on arrival).
 */
export function undecodedExtFields(cmd: RemotingCommand): ExtFieldBytes | null {
  return cmd instanceof ReceivedCommand ? undecoded(cmd) : null;
}

/** The header fields a header decoder fills in (one reused record: decoding allocates no extra object). */
export class HeaderFields {
  code = 0;
  language = "JAVA";
  version = 0;
  opaque = 0;
  flag = 0;
  remark: string | null = null;
  extFields: Record<string, string> | null = null;
  /** Where ROCKETMQ ext fields left undecoded start (then extFields is null); -1 when they are in extFields. */
  extStart = -1;
}

/**
 * `cmd` with the opaque and flag it is sent with: set on `cmd` itself, or, when `cmd` cannot be
 * changed (a frozen command, such as a response kept as a constant), on a copy of its fields.
 */
export function stampCommand(cmd: RemotingCommand, opaque: number, flag: number): RemotingCommand {
  try {
    cmd.opaque = opaque;
    cmd.flag = flag;
    return cmd;
  } catch {
    return copyStamped(cmd, opaque, flag);
  }
}

/**
 * A request as a call sends it: stampCommand, except that a received command is stamped on a copy.
 * A processor forwarding the request it is serving still answers it with the opaque and flag it
 * arrived with.
 */
export function stampRequest(cmd: RemotingCommand, opaque: number, flag: number): RemotingCommand {
  return cmd instanceof ReceivedCommand ? copyStamped(cmd, opaque, flag) : stampCommand(cmd, opaque, flag);
}

function copyStamped(cmd: RemotingCommand, opaque: number, flag: number): Command {
  return new Command(cmd.code, cmd.language, cmd.version, opaque, flag, cmd.remark, cmd.extFields, cmd.body, cmd.serializeType);
}

/** The process-wide opaque counter: a field of one object, cheaper for JSC than a module `let`. */
const opaques = { next: 0 };

/** A fresh opaque from the process-wide counter (int32, wraps to negative like Java's). */
export function nextOpaque(): number {
  const opaque = opaques.next;
  opaques.next = (opaque + 1) | 0;
  return opaque;
}

/**
 * The fields of createRequest / createResponse, each optional: the defaults are language "JAVA",
 * version 479 (5.3.3), a fresh opaque for a request (0 for a response), flag 0, header type
 * "JSON", no remark, ext fields or body. Every field is checked, a wrong type throws a TypeError.
 */
export interface CommandInit extends Partial<Omit<RemotingCommand, "body" | "remark" | "extFields">> {
  /** The remark (createResponse's `remark` argument, when given, wins). */
  remark?: string | null;
  /**
   * Ext fields: a plain object whose string values are kept; numbers, bigints and booleans become
   * the strings Java's String.valueOf writes; null and undefined values are left out; other values
   * throw. Wins over a `header` field of the same name.
   */
  extFields?: Record<string, string | number | bigint | boolean | null | undefined> | null;
  /**
   * The body: a Uint8Array (kept as it is), any other ArrayBufferView or an ArrayBuffer (a view of
   * exactly its bytes, no copy), a string (its UTF-8 bytes), or null/undefined for none.
   */
  body?: Uint8Array | ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | null;
  /** A typed custom header; its fields become extFields strings (see custom-header.ts). */
  header?: object;
}

/**
 * The extFields of a new command: `init.extFields` (see command-fields.ts for what values may be)
 * over the fields of `init.header`.
 */
function initExtFields(fn: string, init: CommandInit): Record<string, string> | null {
  const ext = commandExtFields(fn, init.extFields);
  if (init.header === undefined) return ext;
  return ext === null ? encodeCustomHeader(init.header) : { ...encodeCustomHeader(init.header), ...ext };
}

function notAnInit(fn: string, init: unknown): never {
  throw new TypeError(`${fn}: init must be an object, got ${describeValue(init)}`);
}

/**
 * A command from `init`, every field checked; a response always has the response bit and never the
 * oneway bit. A field of the usual type is taken as it is, right here; any other goes to its
 * checker in command-fields.ts, which converts it or throws. (So the common case calls nothing and
 * stays small enough for the JITs to inline into the caller.)
 */
function createCommand(fn: string, code: number, init: CommandInit | undefined, remark: unknown, defaultOpaque: boolean, response: boolean): Command {
  if (typeof code !== "number") commandNumber(fn, "code", code);
  if (init === undefined || init === null) {
    return new Command(code, commandDefaults.language, commandDefaults.version, defaultOpaque ? nextOpaque() : 0, response ? RPC_TYPE_RESPONSE : 0, commandRemark(fn, remark), null, null, commandDefaults.serializeType);
  }
  if (typeof init !== "object") notAnInit(fn, init);
  const { language, version, opaque, flag, body, serializeType } = init;
  const flags = flag === undefined ? 0 : commandFlag(fn, flag);
  const text = remark ?? init.remark;
  return new Command(
    code,
    language === undefined ? commandDefaults.language : commandLanguage(fn, language),
    version === undefined ? commandDefaults.version : typeof version === "number" ? version : commandNumber(fn, "version", version),
    opaque === undefined ? (defaultOpaque ? nextOpaque() : 0) : typeof opaque === "number" ? opaque : commandNumber(fn, "opaque", opaque),
    response ? (flags | RPC_TYPE_RESPONSE) & ~RPC_ONEWAY : flags & ~RPC_TYPE_RESPONSE,
    text === undefined || text === null ? null : typeof text === "string" ? text : commandRemark(fn, text),
    init.extFields === undefined && init.header === undefined ? null : initExtFields(fn, init),
    body instanceof Uint8Array ? body : body === undefined || body === null ? null : commandBody(fn, body),
    serializeType === undefined ? commandDefaults.serializeType : serializeType === "ROCKETMQ" || serializeType === "JSON" ? serializeType : commandSerializeType(fn, serializeType),
  );
}

/**
 * A new request; its opaque is a fresh one unless `init.opaque` is given. Every field is checked
 * (command-fields.ts says what each may be): a value of a wrong type throws a TypeError here,
 * instead of a command that cannot be sent.
 */
export function createRequest(code: number, init?: CommandInit): RemotingCommand {
  return createCommand("createRequest", code, init, undefined, true, false);
}

/** A new response, checked as createRequest; the dispatch core sets its opaque to the request's before sending it. */
export function createResponse(code: number, remark?: string | null, init?: CommandInit): RemotingCommand {
  return createCommand("createResponse", code, init, remark, false, true);
}
