/*
 * Delay levels (the broker's MessageStoreConfig.messageDelayLevel, read by
 * ScheduleMessageService.parseDelayLevel): level k is the k-th entry of a space-separated list of
 * durations with a unit s, m, h or d.
 */

/** The broker's default table: levels 1..18. */
export const DEFAULT_MESSAGE_DELAY_LEVEL = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The delay of each level in ms (index 0 is level 1). Entries are separated by single spaces, as in
 * Java (where two spaces make an empty entry and the whole table fails); a bad entry is a TypeError
 * naming it.
 */
export function parseDelayLevels(table: string = DEFAULT_MESSAGE_DELAY_LEVEL): number[] {
  return table.split(" ").map((entry, i) => {
    const unit = UNIT_MS[entry.slice(-1)];
    const count = entry.slice(0, -1);
    if (unit === undefined || !/^\d+$/.test(count)) {
      throw new TypeError(`delay level ${i + 1}: "${entry}" is not a number followed by s, m, h or d (in "${table}")`);
    }
    return Number(count) * unit;
  });
}

/**
 * The level a broker applies to a message sent with `level`: levels above the table's last are
 * clamped to it (SendMessageProcessor / CommitLog), 0 and below mean no delay (0).
 */
export function effectiveDelayLevel(level: number, maxLevel: number): number {
  return level <= 0 ? 0 : Math.min(level, maxLevel);
}

/**
 * The level a broker gives a message sent back with CONSUMER_SEND_MSG_BACK: the requested level
 * if above 0, else 3 + reconsumeTimes (10 s for the first retry with the default table); clamped.
 * A negative requested level means the dead-letter queue and is not a delay: callers check it first.
 */
export function sendBackDelayLevel(requestedLevel: number, reconsumeTimes: number, maxLevel: number): number {
  return effectiveDelayLevel(requestedLevel > 0 ? requestedLevel : 3 + reconsumeTimes, maxLevel);
}
