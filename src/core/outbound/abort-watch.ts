import type { AbortSignalLike } from "../signal.ts";

/** The calls sharing one signal, and the one listener they share. */
interface Watched<T> {
  readonly members: Set<T>;
  readonly listener: () => void;
}

/**
 * One "abort" listener per signal, however many calls share it: an application that passes one
 * AbortSignal to a thousand calls adds one listener, not a thousand (Node warns past ten on one
 * signal, and each listener costs memory until its call ends). When the signal aborts, `onAbort`
 * runs for each member still watched; a member leaves with `unwatch`, the listener with the last one.
 */
export class AbortWatch<T> {
  private readonly bySignal = new Map<AbortSignalLike, Watched<T>>();

  constructor(private readonly onAbort: (member: T, signal: AbortSignalLike) => void) {}

  watch(signal: AbortSignalLike, member: T): void {
    let watched = this.bySignal.get(signal);
    if (watched === undefined) {
      const members = new Set<T>();
      const listener = (): void => {
        // The live set: a member that ends meanwhile (one onAbort can end others) leaves it, and
        // is not reached, even if its object is reused for something else.
        for (const m of members) this.onAbort(m, signal);
        if (this.bySignal.get(signal) === watched) this.bySignal.delete(signal);
        members.clear();
      };
      watched = { members, listener };
      this.bySignal.set(signal, watched);
      signal.addEventListener("abort", listener, { once: true });
    }
    watched.members.add(member);
  }

  unwatch(signal: AbortSignalLike, member: T): void {
    const watched = this.bySignal.get(signal);
    if (watched === undefined || !watched.members.delete(member) || watched.members.size > 0) return;
    this.bySignal.delete(signal);
    signal.removeEventListener("abort", watched.listener);
  }
}
