/** Something that holds connections and must be closed. */
export interface Closable {
  close(): Promise<void>;
}

/** The publishing side of one library: invalidates the entry of user `id` everywhere. */
export interface InvalidationSender extends Closable {
  invalidate(id: number): Promise<unknown>;
}

/** One library's cross-process invalidation, set up for the latency and throughput scenarios. */
export interface RemotePeer {
  /** Row label in the tables (also how the receiver process finds the peer). */
  readonly name: string;
  /** Builds the publishing side on `channel`. */
  sender(url: string, channel: string): Promise<InvalidationSender>;
  /**
   * Builds the receiving side with the entries of users `0..entries-1` cached, calling `onEvict(id)`
   * at the moment a remote invalidation evicts one (possibly also for ids it did not hold).
   * Resolves once its cache is primed; the subscription may become active later.
   */
  receiver(url: string, channel: string, entries: number, onEvict: (id: number) => void): Promise<Closable>;
}

/** The key the Redis peers use for user `id`. */
export function userKey(id: number): string {
  return `u:${id}`;
}

/** Reads the user id back from a key that ends with it (every library's key for user `id` does). */
export function idFromKey(key: string): number {
  const match = /(\d+)\D*$/.exec(key);
  return match ? Number(match[1]) : Number.NaN;
}
