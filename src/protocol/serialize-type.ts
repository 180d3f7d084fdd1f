/** How a command's header is serialized; the frame's type byte says which. */
export type SerializeType = "JSON" | "ROCKETMQ";

export const SerializeType = {
  JSON: "JSON",
  ROCKETMQ: "ROCKETMQ",
} as const satisfies Record<SerializeType, SerializeType>;

/** The type byte on the wire (the most significant byte of the header-length word). */
export const SERIALIZE_TYPE_BYTE = { JSON: 0, ROCKETMQ: 1 } as const satisfies Record<SerializeType, number>;
