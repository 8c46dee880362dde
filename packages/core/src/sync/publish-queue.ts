import type { Invalidation } from './envelope';

/** One encoded message waiting to be published. */
export interface OutgoingMessage {
  readonly payload: string;
  readonly sequence: number;
}

/** What the queue needs from the engine. */
export interface PublishQueueHooks {
  /** Encodes one batch, assigning it the next sequence number. */
  encode(batch: Invalidation | 'heartbeat'): OutgoingMessage;
  /** Hands the message to the transport. */
  send(message: OutgoingMessage): Promise<void>;
  /** One message was accepted by the bus. */
  sent(message: OutgoingMessage): void;
  /** One message was given up after every retry; `error` is the last failure. */
  failed(error: unknown, attempts: number): void;
}

/** Batching and retry settings. */
export interface PublishQueueSettings {
  /** Payloads are cut to stay under this size (read when a batch is cut: the transport tells it on connect). */
  readonly maxPayloadBytes: () => number;
  /** Fixed bytes of every message and bytes each listed item adds, for cutting batches. */
  readonly overheadBytes: number;
  readonly itemBytes: (item: string) => number;
  /** Beyond this many distinct pending keys and dependencies, the batch becomes one clear-all. */
  readonly maxPendingItems: number;
  /** Attempts per message before it is reported and dropped. */
  readonly attempts: number;
  readonly initialRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

const NOTHING: readonly string[] = [];
/** What a backlog too large (or an item too large) to send key by key becomes. */
const CLEAR_ALL: Invalidation = { keys: NOTHING, dependencies: NOTHING, all: true };
/** The most keys and tags an invalidation may carry to take the idle queue's fast path. */
const ALONE_MAX_ITEMS = 8;
/** The most full batches sent ahead of the send loop at once (see {@link PublishQueue.sendFullBatches}). */
const MAX_FULL_BATCHES_IN_FLIGHT = 4;

/**
 * Coalesces invalidations into few messages and sends them in order, retrying failures with exponential
 * backoff. When nothing is in flight an invalidation is sent at once (no added latency); while a message
 * is in flight, what arrives is deduplicated and sent as the next batch, and every full message's worth
 * that accumulates leaves at once, so that a burst streams out while it is still being produced.
 */
export class PublishQueue {
  private readonly pendingKeys = new Set<string>();
  private readonly pendingDependencies = new Set<string>();
  /** The characters the pending items add to a message (a lower bound of their bytes), to know a full batch. */
  private pendingChars = 0;
  private pendingClear = false;
  /** Full batches sent ahead of the send loop, until they settle. */
  private readonly fullBatchesInFlight = new Set<Promise<void>>();
  private readonly outbox: OutgoingMessage[] = [];
  /** Whether the send loop runs; cleared synchronously as the loop ends, so a push never finds it finishing. */
  private active = false;
  private loop: Promise<void> = Promise.resolve();
  private wakeRetry: (() => void) | undefined;
  private stopped = false;
  private linkUp = false;
  private inFlight: OutgoingMessage | undefined;
  /** The first attempt of the message sent alone, until it settles. */
  private aloneAttempt: Promise<void> | undefined;
  private linkWaiters: (() => void)[] = [];

  constructor(
    private readonly settings: PublishQueueSettings,
    private readonly hooks: PublishQueueHooks,
  ) {}

  /** Queues an invalidation and starts sending if idle. */
  push(invalidation: Invalidation): void {
    if (this.stopped) return;
    if (!this.active && this.linkUp && this.sendAlone(invalidation)) return;
    if (invalidation.all) {
      this.supersedeWithClear();
    } else if (!this.pendingClear) {
      for (const key of invalidation.keys) this.addPending(this.pendingKeys, key);
      for (const dependency of invalidation.dependencies) this.addPending(this.pendingDependencies, dependency);
      // Too much backlog to be worth sending key by key: every instance clearing is cheaper and as correct.
      if (this.pendingKeys.size + this.pendingDependencies.size > this.settings.maxPendingItems) this.supersedeWithClear();
      else this.sendFullBatches();
    }
    this.kick();
  }

  private addPending(items: Set<string>, item: string): void {
    const before = items.size;
    items.add(item);
    if (items.size !== before) this.pendingChars += pendingCharsOf(item);
  }

  /**
   * While the send loop waits on a message, each full message's worth of pending items is encoded and
   * handed to the transport at once, up to {@link MAX_FULL_BATCHES_IN_FLIGHT}: a burst issued in one
   * go (nothing else runs meanwhile) would otherwise leave only once it ended, one message per round trip.
   * The transport keeps them in order. One that fails puts its items back in the queue, whose loop retries.
   */
  private sendFullBatches(): void {
    while (
      this.active &&
      this.linkUp &&
      this.fullBatchesInFlight.size < MAX_FULL_BATCHES_IN_FLIGHT &&
      this.settings.overheadBytes + this.pendingChars >= this.settings.maxPayloadBytes()
    ) {
      const { message, batch } = this.cutBatch();
      const settled: Promise<void> = this.firstAttempt(message)
        .then(
          () => this.hooks.sent(message),
          () => {
            if (!this.stopped) this.push(batch);
          },
        )
        .finally(() => this.fullBatchesInFlight.delete(settled));
      this.fullBatchesInFlight.add(settled);
    }
  }

  /** Queues a liveness probe unless something is already waiting to go (which proves liveness as well). */
  pushHeartbeat(): void {
    if (this.stopped || this.hasBacklog) return;
    this.outbox.push(this.hooks.encode('heartbeat'));
    this.kick();
  }

  /** Whether anything is queued or in flight. */
  get hasBacklog(): boolean {
    return this.active || this.outbox.length > 0 || this.hasPending || this.fullBatchesInFlight.size > 0;
  }

  /** Whether invalidations wait that are not yet encoded into messages. */
  private get hasPending(): boolean {
    return this.pendingClear || this.pendingKeys.size > 0 || this.pendingDependencies.size > 0;
  }

  /** A clear-all replaces everything pending: it drops at least as much. */
  private supersedeWithClear(): void {
    this.pendingClear = true;
    this.clearPendingItems();
  }

  private clearPendingItems(): void {
    this.pendingKeys.clear();
    this.pendingDependencies.clear();
    this.pendingChars = 0;
  }

  /**
   * Whether the transport's link is up. While it is down nothing is attempted, so no attempts are burnt:
   * invalidations wait, deduplicated, and go out when it is back.
   */
  setLinkUp(up: boolean): void {
    this.linkUp = up;
    if (!up) return;
    this.wakeRetry?.();
    for (const wake of this.linkWaiters.splice(0)) wake();
  }

  /** Resolves once everything queued has been sent or given up. */
  async drain(): Promise<void> {
    while (this.active || this.fullBatchesInFlight.size > 0) await Promise.all([this.loop, ...this.fullBatchesInFlight]);
  }

  /** Stops sending; what is still queued is reported as failed. */
  stop(reason: Error): void {
    this.stopped = true;
    this.setLinkUp(true);
    while (this.hasPending) this.moveToOutbox();
    // A message being sent may still be accepted: only what never left is reported.
    const abandoned = this.outbox.splice(0).filter((message) => message !== this.inFlight).length;
    for (let i = 0; i < abandoned; i++) this.hooks.failed(reason, 0);
  }

  private kick(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run(undefined);
  }

  /**
   * The idle queue's fast path for a small invalidation: encoded and handed to the transport before
   * `push` returns, without the batching machinery, so that a lone invalidation leaves as early as
   * possible. Declines (the caller queues it as usual) for a clear-all, for more than
   * {@link ALONE_MAX_ITEMS} items or repeated ones, and for a message over the payload limit.
   */
  private sendAlone(invalidation: Invalidation): boolean {
    const { keys, dependencies } = invalidation;
    const count = keys.length + dependencies.length;
    if (invalidation.all || count === 0 || count > ALONE_MAX_ITEMS) return false;
    // An upper bound first: the exact size only when the bound does not settle it.
    const keysBound = distinctSizeBound(keys);
    const dependenciesBound = distinctSizeBound(dependencies);
    if (keysBound < 0 || dependenciesBound < 0) return false;
    const bound = this.settings.overheadBytes + keysBound + dependenciesBound;
    const maxPayloadBytes = this.settings.maxPayloadBytes();
    if (bound > maxPayloadBytes && this.exactSize(keys, dependencies) > maxPayloadBytes) return false;
    const message = this.hooks.encode(invalidation);
    this.outbox.push(message);
    this.active = true;
    this.inFlight = message;
    const attempt = this.firstAttempt(message);
    // No send loop unless it is needed: on the usual outcome the queue is idle again at once. A failure
    // hands the attempt to the loop, which retries it.
    this.aloneAttempt = attempt;
    this.loop = attempt.then(this.aloneAccepted, this.aloneFailed);
    return true;
  }

  /** Hands a message to the transport outside the send loop; a transport that throws rejects instead. */
  private firstAttempt(message: OutgoingMessage): Promise<void> {
    try {
      return this.hooks.send(message);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The message sent alone (the one in flight) was accepted: the queue goes idle, or sends what was queued meanwhile. */
  private readonly aloneAccepted = (): Promise<void> | undefined => {
    const message = this.inFlight as OutgoingMessage;
    this.inFlight = undefined;
    this.aloneAttempt = undefined;
    this.hooks.sent(message);
    if (this.outbox[0] === message) this.outbox.shift();
    if (this.stopped || (this.outbox.length === 0 && !this.hasPending)) {
      this.active = false;
      return undefined;
    }
    return this.run(undefined);
  };

  /** The message sent alone failed: the loop retries it. */
  private readonly aloneFailed = (): Promise<void> => {
    const attempt = this.aloneAttempt;
    this.aloneAttempt = undefined;
    return this.run(attempt);
  };

  private exactSize(keys: readonly string[], dependencies: readonly string[]): number {
    let size = this.settings.overheadBytes;
    for (const item of keys) size += this.settings.itemBytes(item);
    for (const item of dependencies) size += this.settings.itemBytes(item);
    return size;
  }

  /** Sends the outbox in order; `started` is the first attempt of its head message when already made. */
  private async run(started: Promise<void> | undefined): Promise<void> {
    try {
      for (;;) {
        if (this.outbox.length === 0) this.moveToOutbox();
        const message = this.outbox[0];
        if (message === undefined || this.stopped) return;
        if (!this.linkUp) {
          await this.waitForLink();
          continue;
        }
        this.inFlight = message;
        await this.sendWithRetries(message, started);
        started = undefined;
        this.inFlight = undefined;
        if (this.outbox[0] === message) this.outbox.shift();
      }
    } finally {
      this.active = false;
    }
  }

  private async sendWithRetries(message: OutgoingMessage, started: Promise<void> | undefined): Promise<void> {
    let delay = this.settings.initialRetryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const sending = started ?? this.hooks.send(message);
        started = undefined;
        await sending;
        this.hooks.sent(message);
        return;
      } catch (error) {
        if (this.stopped) return;
        if (!this.linkUp) {
          // The transport reported the outage: wait for the link instead of burning attempts.
          await this.waitForLink();
          attempt = 0;
          delay = this.settings.initialRetryDelayMs;
          continue;
        }
        if (attempt >= this.settings.attempts) {
          this.hooks.failed(error, attempt);
          return;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        this.wakeRetry = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeRetry = undefined;
      delay = Math.min(delay * 2, this.settings.maxRetryDelayMs);
    }
  }

  private waitForLink(): Promise<void> {
    return this.linkUp ? Promise.resolve() : new Promise<void>((resolve) => this.linkWaiters.push(resolve));
  }

  /**
   * Encodes the next message from the pending sets: as many items as fit under the payload limit, taken
   * out of the sets. One message at a time, so that a large backlog starts leaving after one encode,
   * and the next batch is encoded while the previous one is in flight.
   */
  private moveToOutbox(): void {
    if (this.hasPending) this.outbox.push(this.cutBatch().message);
  }

  /** Takes the next batch out of what is pending (something is) and encodes it. */
  private cutBatch(): { message: OutgoingMessage; batch: Invalidation } {
    if (this.pendingClear) {
      this.pendingClear = false;
      return this.encoded(CLEAR_ALL);
    }
    const { overheadBytes, itemBytes } = this.settings;
    const maxPayloadBytes = this.settings.maxPayloadBytes();
    const batchKeys: string[] = [];
    const batchDependencies: string[] = [];
    let size = overheadBytes;
    for (const [items, batch] of [[this.pendingKeys, batchKeys], [this.pendingDependencies, batchDependencies]] as const) {
      for (const item of items) {
        const bytes = itemBytes(item);
        if (overheadBytes + bytes > maxPayloadBytes) {
          // A key or tag too large for any message cannot be sent; a clear-all is small and just as correct.
          this.clearPendingItems();
          return this.encoded(CLEAR_ALL);
        }
        if (size + bytes > maxPayloadBytes && batchKeys.length + batchDependencies.length > 0) {
          return this.encoded({ keys: batchKeys, dependencies: batchDependencies, all: false });
        }
        batch.push(item);
        items.delete(item);
        this.pendingChars -= pendingCharsOf(item);
        size += bytes;
      }
    }
    return this.encoded({ keys: batchKeys, dependencies: batchDependencies, all: false });
  }

  private encoded(batch: Invalidation): { message: OutgoingMessage; batch: Invalidation } {
    return { message: this.hooks.encode(batch), batch };
  }
}

/** A quoted item and its comma: its exact size in bytes when it holds no escapes and only ASCII, a lower bound otherwise. */
function pendingCharsOf(item: string): number {
  return item.length + 3;
}

/**
 * An upper bound of the bytes `items` add to a message (a UTF-16 unit never takes more than 6 bytes in
 * JSON), or -1 when an item is repeated.
 */
function distinctSizeBound(items: readonly string[]): number {
  let bound = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (items.indexOf(item) !== i) return -1;
    bound += 6 * item.length + 3;
  }
  return bound;
}
