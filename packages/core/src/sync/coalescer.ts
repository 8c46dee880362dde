import type { Invalidation } from './envelope';
import { listItemBytes } from './envelope-codec';

const NOTHING: readonly string[] = Object.freeze([]);
/** What a backlog too large (or an item too large) to send key by key becomes. */
export const CLEAR_ALL: Invalidation = Object.freeze({ keys: NOTHING, dependencies: NOTHING, all: true });

/**
 * Invalidations waiting to be published, deduplicated, and cut into batches that fit a message. Sizes
 * come from the envelope codec, so a batch never exceeds the transport's limit. Beyond
 * `maxPendingItems` distinct keys and tags, everything pending becomes one clear-all: every instance
 * clearing is cheaper than a flood, and as correct.
 */
export class Coalescer {
  /** Pending keys and dependencies, each with the bytes it adds to a message. */
  private readonly keys = new Map<string, number>();
  private readonly dependencies = new Map<string, number>();
  private itemBytes = 0;
  private clearAll = false;
  /** When the oldest pending item was added, on the scheduler's clock. */
  oldestAt = 0;

  constructor(
    /** Bytes of every message besides its listed items. */
    private readonly overheadBytes: number,
    private readonly maxPendingItems: number,
  ) {}

  get isEmpty(): boolean {
    return !this.clearAll && this.keys.size === 0 && this.dependencies.size === 0;
  }

  /** The size of a message carrying everything pending (a clear-all is small). */
  get pendingBytes(): number {
    return this.clearAll ? this.overheadBytes : this.overheadBytes + this.itemBytes;
  }

  /** Adds an invalidation; `now` dates it when nothing was pending. */
  add(invalidation: Invalidation, now: number): void {
    if (this.isEmpty) this.oldestAt = now;
    if (this.clearAll) return;
    if (invalidation.all) return this.supersedeWithClear();
    for (const key of invalidation.keys) this.addItem(this.keys, key);
    for (const dependency of invalidation.dependencies) this.addItem(this.dependencies, dependency);
    if (this.keys.size + this.dependencies.size > this.maxPendingItems) this.supersedeWithClear();
  }

  /** Takes the next batch (something is pending): as many items as fit in `maxPayloadBytes`. */
  take(maxPayloadBytes: number): Invalidation {
    if (this.clearAll) {
      this.clearAll = false;
      return CLEAR_ALL;
    }
    const keys: string[] = [];
    const dependencies: string[] = [];
    let size = this.overheadBytes;
    for (const [items, batch] of [
      [this.keys, keys],
      [this.dependencies, dependencies],
    ] as const) {
      for (const [item, bytes] of items) {
        if (this.overheadBytes + bytes > maxPayloadBytes) {
          // A key or tag too large for any message cannot be sent; a clear-all is small and just as correct.
          this.clearItems();
          return CLEAR_ALL;
        }
        if (size + bytes > maxPayloadBytes) return { keys, dependencies, all: false };
        batch.push(item);
        items.delete(item);
        this.itemBytes -= bytes;
        size += bytes;
      }
    }
    return { keys, dependencies, all: false };
  }

  private addItem(items: Map<string, number>, item: string): void {
    if (items.has(item)) return;
    const bytes = listItemBytes(item);
    items.set(item, bytes);
    this.itemBytes += bytes;
  }

  private supersedeWithClear(): void {
    this.clearAll = true;
    this.clearItems();
  }

  private clearItems(): void {
    this.keys.clear();
    this.dependencies.clear();
    this.itemBytes = 0;
  }
}
