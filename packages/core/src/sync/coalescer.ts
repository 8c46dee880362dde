import type { Invalidation } from './envelope';
import { listItemBytes } from './envelope-codec';

const NOTHING: readonly string[] = Object.freeze([]);
/** What a backlog too large (or an item too large) to send key by key becomes. */
export const CLEAR_ALL: Invalidation = Object.freeze({ keys: NOTHING, dependencies: NOTHING, all: true });
/** The most keys and tags an invalidation sent as it is may name (see {@link Coalescer.fitsAlone}). */
const ALONE_MAX_ITEMS = 8;

/** One batch taken out of the {@link Coalescer}. */
export interface Batch {
  readonly invalidation: Invalidation;
  /** The generation the batch's items were pending in. */
  readonly generation: number;
  /** Whether it took the last of that generation's items (later batches belong to the next generation). */
  readonly completes: boolean;
}

/**
 * Invalidations waiting to be published, deduplicated, and cut into batches that fit a message. Sizes
 * come from the envelope codec, so a batch never exceeds the transport's limit. Beyond
 * `maxPendingItems` distinct keys and tags, everything pending becomes one clear-all: every instance
 * clearing is cheaper than a flood, and as correct.
 *
 * Pending items belong to a generation until a batch takes the last of them; a caller who wants to know
 * when its invalidation has been accepted waits for the generation it was added in.
 */
export class Coalescer {
  /** Pending keys and dependencies, each with the bytes it adds to a message. */
  private readonly keys = new Map<string, number>();
  private readonly dependencies = new Map<string, number>();
  private itemBytes = 0;
  private clearAll = false;
  /** The generation that pending items belong to. */
  generation = 0;
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

  /** Distinct keys and tags pending (a pending clear-all counts one). */
  get pendingItems(): number {
    return this.clearAll ? 1 : this.keys.size + this.dependencies.size;
  }

  /** The size of a message carrying everything pending (a clear-all is small). */
  get pendingBytes(): number {
    return this.clearAll ? this.overheadBytes : this.overheadBytes + this.itemBytes;
  }

  /**
   * Whether `invalidation` can be sent as it is, in one message: a few keys or tags, none repeated, that
   * fit. What it would gain by coalescing is nothing, and its path is the latency every instance waits on.
   */
  fitsAlone(invalidation: Invalidation, maxPayloadBytes: number): boolean {
    const { keys, dependencies } = invalidation;
    const count = keys.length + dependencies.length;
    if (invalidation.all || count === 0 || count > ALONE_MAX_ITEMS) return false;
    let size = this.overheadBytes;
    for (const items of [keys, dependencies]) {
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as string;
        if (items.indexOf(item) !== i) return false;
        size += listItemBytes(item);
      }
    }
    return size <= maxPayloadBytes;
  }

  /** Ends the current generation while nothing is pending (its one invalidation was sent as it is); returns it. */
  closeGeneration(): number {
    return this.generation++;
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
  take(maxPayloadBytes: number): Batch {
    const generation = this.generation;
    if (this.clearAll) {
      this.clearAll = false;
      return this.taken(CLEAR_ALL, generation);
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
          return this.taken(CLEAR_ALL, generation);
        }
        if (size + bytes > maxPayloadBytes) return this.taken({ keys, dependencies, all: false }, generation);
        batch.push(item);
        items.delete(item);
        this.itemBytes -= bytes;
        size += bytes;
      }
    }
    return this.taken({ keys, dependencies, all: false }, generation);
  }

  private taken(invalidation: Invalidation, generation: number): Batch {
    const completes = this.isEmpty;
    if (completes) this.generation++;
    return { invalidation, generation, completes };
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
