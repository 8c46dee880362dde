import { Coalescer } from './coalescer';
import type { Invalidation } from './envelope';
import type { Scheduler, TimerHandle } from './scheduler';

/** One encoded message. */
export interface OutgoingMessage {
  readonly payload: string;
  readonly sequence: number;
  /** What it carries: invalidations, or nothing (a shared heartbeat). */
  readonly kind: 'invalidation' | 'heartbeat';
}

/** What the sender needs from the engine. */
export interface SenderHooks {
  /** Encodes one batch, or a heartbeat, assigning it the next sequence number. */
  encode(batch: Invalidation | 'heartbeat'): OutgoingMessage;
  /** Hands a message to the transport. */
  send(message: OutgoingMessage): Promise<void>;
  /** The bus accepted a message. */
  accepted(message: OutgoingMessage): void;
  /** A message was given up after every attempt; `error` is the last failure. Returns the error its waiters get. */
  failed(error: unknown, attempts: number): Error;
}

/** Batching and retry settings. */
export interface SenderSettings {
  /** The transport's limit, read whenever a batch is cut (a new connection may say another). */
  readonly maxPayloadBytes: () => number;
  /** Bytes of every message besides its listed items. */
  readonly overheadBytes: number;
  readonly maxPendingItems: number;
  readonly attempts: number;
  readonly initialRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/**
 * The most messages handed to the transport and not yet settled. No reply is read while a synchronous
 * loop runs, so every batch such a loop sends counts against this until it ends: a loop of 50,000
 * invalidations lasting a few hundred milliseconds cuts about one batch per {@link MAX_BATCH_WAIT_MS}.
 * With fewer, the rest of the burst waits for the loop to end. At most this many times
 * {@link MAX_BATCH_BYTES} is held for retries.
 */
const MAX_IN_FLIGHT = 256;
/**
 * While a message is in flight, what arrives waits to be batched, but no longer than this: each item of
 * a burst reaches other instances within a few milliseconds, not after the whole burst.
 */
const MAX_BATCH_WAIT_MS = 2;
/**
 * The largest batch, below the transport's own limit when that is larger (512 KiB for Redis): other
 * instances parse and apply a burst in pieces of a few milliseconds each, so its first keys land sooner.
 */
const MAX_BATCH_BYTES = 64 * 1024;

/** A message from the moment it is cut until the bus accepts it or it is given up. */
interface Outgoing {
  readonly message: OutgoingMessage;
  /** The generation of the invalidations it carries; `undefined` for a heartbeat. */
  readonly generation: number | undefined;
  readonly completes: boolean;
  attempts: number;
  outcome: 'pending' | 'accepted' | 'failed';
}

/** A caller waiting until the invalidations of one generation, and all before them, are accepted. */
interface Waiter {
  readonly generation: number;
  /** When it times out, on the scheduler's clock. */
  readonly deadline: number;
  readonly timedOut: () => Error;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends invalidations in few messages, in order. An invalidation leaves at once when nothing is in flight
 * (no added latency); while messages are in flight, what arrives is coalesced, and a batch leaves as soon
 * as it is full ({@link MAX_BATCH_BYTES}, or the transport's limit if lower) or its oldest item has waited
 * {@link MAX_BATCH_WAIT_MS}, up to {@link MAX_IN_FLIGHT} at once.
 * A failed message is sent again with exponential backoff (nothing newer leaves meanwhile); while the link
 * is down nothing is attempted, so no attempt is burnt, and what waits is deduplicated.
 *
 * One loop, {@link Sender.pump}, runs whenever something changes: a push, a settled message, the link
 * coming back, a backoff ending.
 */
export class Sender {
  private readonly pending: Coalescer;
  /** Messages cut and not yet settled, in the order they were cut. */
  private readonly unsettled: Outgoing[] = [];
  /** Messages to hand to the transport again, in order. */
  private readonly resend: Outgoing[] = [];
  /** Messages handed to the transport and not yet settled. */
  private sending = 0;
  /** Set while a failed message waits out its backoff. */
  private backoff: TimerHandle | undefined;
  private linkUp = false;
  private stopped = false;
  /**
   * Callers waiting for their generation, in the order they came (so by deadline). Those before `answered`
   * were answered, those before `expired` timed out (answering one again does nothing). Indexes, not
   * `shift()`: shifting a queue as long as a burst (tens of thousands) is quadratic.
   */
  private waiters: Waiter[] = [];
  private answered = 0;
  private expired = 0;
  /** One timer for the earliest deadline, not one per waiter: a burst would allocate tens of thousands. */
  private deadlineTimer: TimerHandle | undefined;
  /** The first failure of each generation whose invalidations were not all accepted. */
  private readonly failures = new Map<number, unknown>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly settings: SenderSettings,
    private readonly hooks: SenderHooks,
    private readonly scheduler: Scheduler,
  ) {
    this.pending = new Coalescer(settings.overheadBytes, settings.maxPendingItems);
  }

  /** Whether anything is pending or unsettled. */
  get idle(): boolean {
    return this.pending.isEmpty && this.unsettled.length === 0;
  }

  /** Queues an invalidation and sends what can leave now. */
  push(invalidation: Invalidation): void {
    if (this.stopped) return;
    this.enqueue(invalidation, this.scheduler.now());
    this.pump();
  }

  /**
   * Queues an invalidation; the promise resolves once the bus has accepted it and everything queued before
   * it, and rejects with the failure when one of them is given up, when the sender stops first, or with
   * `timedOut()` when that takes longer than `timeoutMs` (the invalidation stays queued). Every call is
   * expected to pass the same `timeoutMs`: a waiter times out once the ones before it have.
   */
  pushAndConfirm(invalidation: Invalidation, timeoutMs: number, timedOut: () => Error): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const now = this.scheduler.now();
    const generation = this.enqueue(invalidation, now);
    const accepted = new Promise<void>((resolve, reject) => this.waiters.push({ generation, deadline: now + timeoutMs, timedOut, resolve, reject }));
    if (this.deadlineTimer === undefined) this.armDeadline();
    this.pump();
    return accepted;
  }

  /**
   * Adds an invalidation to what is pending, or, in the usual case of a lone small invalidation on an idle
   * link, sends it as it is (nothing to coalesce); returns the generation it belongs to.
   */
  private enqueue(invalidation: Invalidation, now: number): number {
    if (this.sending === 0 && this.pending.isEmpty && this.resend.length === 0 && this.linkUp && this.backoff === undefined && this.pending.fitsAlone(invalidation, this.batchBytes())) {
      const generation = this.pending.closeGeneration();
      this.attempt(this.track(this.hooks.encode(invalidation), generation, true));
      return generation;
    }
    this.pending.add(invalidation, now);
    return this.pending.generation;
  }

  /** Sends a heartbeat, unless something is already pending or in flight (which proves as much). */
  pushHeartbeat(): void {
    if (this.stopped || !this.linkUp || !this.idle) return;
    this.attempt(this.track(this.hooks.encode('heartbeat'), undefined, false));
  }

  /** Whether the link is up; while it is down nothing is attempted. */
  setLinkUp(up: boolean): void {
    this.linkUp = up;
    if (up) this.pump();
  }

  /** Resolves once nothing is pending or unsettled, or the sender stopped. */
  drain(): Promise<void> {
    if (this.idle || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending; what never left is reported as failed, and its waiters rejected with `reason`. */
  stop(reason: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.backoff !== undefined) this.scheduler.clearTimeout(this.backoff);
    if (this.deadlineTimer !== undefined) this.scheduler.clearTimeout(this.deadlineTimer);
    // Messages being sent may still be accepted: only what never left, or waits to be sent again, is reported.
    let abandoned = this.resend.length;
    for (; !this.pending.isEmpty; abandoned++) this.pending.take(this.batchBytes());
    for (let i = 0; i < abandoned; i++) this.hooks.failed(reason, 0);
    for (let i = Math.max(this.answered, this.expired); i < this.waiters.length; i++) (this.waiters[i] as Waiter).reject(reason);
    this.waiters = [];
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** The one loop: sends messages to retry first, then new batches while the window allows. */
  private pump(): void {
    if (!this.linkUp || this.stopped || this.backoff !== undefined) return;
    while (this.resend.length > 0) this.attempt(this.resend.shift() as Outgoing);
    while (this.sending < MAX_IN_FLIGHT && !this.pending.isEmpty && this.batchReady()) {
      const batch = this.pending.take(this.batchBytes());
      this.attempt(this.track(this.hooks.encode(batch.invalidation), batch.generation, batch.completes));
    }
  }

  /** Whether pending items should leave now: at once when idle; while others are in flight, when full or overdue. */
  private batchReady(): boolean {
    if (this.sending === 0) return true;
    return this.pending.pendingBytes >= this.batchBytes() || this.scheduler.now() - this.pending.oldestAt >= MAX_BATCH_WAIT_MS;
  }

  private batchBytes(): number {
    return Math.min(this.settings.maxPayloadBytes(), MAX_BATCH_BYTES);
  }

  private track(message: OutgoingMessage, generation: number | undefined, completes: boolean): Outgoing {
    const outgoing: Outgoing = { message, generation, completes, attempts: 0, outcome: 'pending' };
    this.unsettled.push(outgoing);
    return outgoing;
  }

  private attempt(outgoing: Outgoing): void {
    outgoing.attempts++;
    this.sending++;
    let sent: Promise<void>;
    try {
      sent = this.hooks.send(outgoing.message);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => this.settled(outgoing, undefined),
      (error: unknown) => this.settled(outgoing, error ?? new Error('publish failed')),
    );
  }

  private settled(outgoing: Outgoing, error: unknown): void {
    this.sending--;
    if (error === undefined) {
      outgoing.outcome = 'accepted';
      this.hooks.accepted(outgoing.message);
    } else if (this.stopped) {
      outgoing.outcome = 'failed';
    } else if (!this.linkUp) {
      // The transport reported the outage: wait for the link instead of burning attempts.
      outgoing.attempts = 0;
      this.resend.push(outgoing);
    } else if (outgoing.attempts >= this.settings.attempts) {
      outgoing.outcome = 'failed';
      const failure = this.hooks.failed(error, outgoing.attempts);
      if (outgoing.generation !== undefined && !this.failures.has(outgoing.generation)) this.failures.set(outgoing.generation, failure);
    } else {
      this.resend.push(outgoing);
      if (this.backoff === undefined) {
        const delay = Math.min(this.settings.initialRetryDelayMs * 2 ** (outgoing.attempts - 1), this.settings.maxRetryDelayMs);
        this.backoff = this.scheduler.setTimeout(this.backoffEnded, delay);
      }
    }
    this.settleHead();
    this.pump();
    if (this.idleWaiters.length > 0 && (this.idle || this.stopped)) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private readonly backoffEnded = (): void => {
    this.backoff = undefined;
    this.pump();
  };

  /** Retires settled messages from the front, answering the waiters of each generation they complete. */
  private settleHead(): void {
    while (this.unsettled.length > 0 && (this.unsettled[0] as Outgoing).outcome !== 'pending') {
      const { generation, completes } = this.unsettled.shift() as Outgoing;
      if (generation !== undefined && completes) this.answerWaiters(generation);
    }
  }

  private answerWaiters(through: number): void {
    const waiters = this.waiters;
    let next = this.answered;
    for (; next < waiters.length && (waiters[next] as Waiter).generation <= through; next++) {
      const waiter = waiters[next] as Waiter;
      const failure = this.failures.get(waiter.generation);
      if (failure === undefined) waiter.resolve();
      else waiter.reject(failure);
    }
    this.answered = next;
    this.expired = Math.max(this.expired, next);
    // Drops the answered head once it is half the queue: constant time per waiter, amortised.
    if (next * 2 >= waiters.length) {
      this.waiters = waiters.slice(next);
      this.answered = 0;
      this.expired -= next;
    }
    if (this.waiters.length === 0 && this.deadlineTimer !== undefined) {
      this.scheduler.clearTimeout(this.deadlineTimer);
      this.deadlineTimer = undefined;
    }
    for (const generation of this.failures.keys()) if (generation <= through) this.failures.delete(generation);
  }

  /** Times out the waiters whose deadline has come, then waits for the next deadline. */
  private readonly deadlinePassed = (): void => {
    this.deadlineTimer = undefined;
    const now = this.scheduler.now();
    for (let waiter = this.waiters[this.expired]; waiter !== undefined && waiter.deadline <= now; waiter = this.waiters[++this.expired]) {
      waiter.reject(waiter.timedOut());
    }
    this.armDeadline();
  };

  private armDeadline(): void {
    const next = this.waiters[this.expired];
    if (next !== undefined) this.deadlineTimer = this.scheduler.setTimeout(this.deadlinePassed, Math.max(0, next.deadline - this.scheduler.now()));
  }
}
