/** How a command's header is serialized; the frame's type byte says which. */
export type SerializeType = "JSON" | "ROCKETMQ";

/** The two header types by name, for `serializeType` options and fields ("JSON" is Java's default). */
export const SerializeType = {
  JSON: "JSON",
  ROCKETMQ: "ROCKETMQ",
} as const satisfies Record<SerializeType, SerializeType>;

/** The type byte on the wire (the most significant byte of the header-length word). */
export const SERIALIZE_TYPE_BYTE = { JSON: 0, ROCKETMQ: 1 } as const satisfies Record<SerializeType, number>;
