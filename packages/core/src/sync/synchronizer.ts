import { randomUUID } from 'node:crypto';
import { CachetError, SynchronizationError } from '../errors';
import { EchoTracker } from './echo-tracker';
import type { DropReason, Invalidation } from './envelope';
import {
  decodeEnvelope,
  decodeEnvelopeOf,
  type EnvelopeContent,
  encodeAfterPrefix,
  encodeProbe,
  envelopeOverheadBytes,
  namespacePrefix,
  ownSequence,
  senderPrefix,
} from './envelope-codec';
import { EnvelopeSigner } from './envelope-signer';
import type { TimerHandle } from './scheduler';
import { type OutgoingMessage, Sender } from './sender';
import { SequenceTracker } from './sequence-tracker';
import type { ResolvedSynchronizationOptions } from './synchronization-options';
import { emptySynchronizationStats, type GapReason, type SynchronizationEvents, type SynchronizationStats } from './synchronization-events';
import { hasTracingSubscribers, publishTracing } from './tracing-channels';
import type { TransportConnection, TransportListener } from './transport';

/** What the engine asks of the caching service it keeps coherent. */
export interface SynchronizationSink {
  /** Applies an invalidation received from another instance (sent at `sentAt` on its clock), fencing in-flight loads like a local one. */
  applyRemote(invalidation: Invalidation, sentAt: number | undefined): void;
  /** Messages were or may have been missed: drop every local entry and fence every in-flight load. */
  recoverFromGap(): void;
  /** While `true`, cached methods run uncached (the `'bypass'` policy during an outage). */
  setBypass(bypass: boolean): void;
  /** Whether anyone listens to `name`, to skip building an event nobody hears. */
  hears(name: keyof SynchronizationEvents): boolean;
  /** Tells the service's listeners. */
  emit<E extends keyof SynchronizationEvents>(name: E, event: SynchronizationEvents[E]): void;
}

/** What a heartbeat carries: nothing to invalidate. */
const HEARTBEAT: EnvelopeContent = { keys: [], dependencies: [], all: false, heartbeat: true };
/** The payloads of `message-received`, one per kind: nothing to build per message. */
const RECEIVED = {
  invalidation: Object.freeze({ kind: 'invalidation' }),
  heartbeat: Object.freeze({ kind: 'heartbeat' }),
  echo: Object.freeze({ kind: 'echo' }),
} as const;
/** The payload limit assumed until a transport has connected. */
const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

function ignore(): void {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The synchronization engine: one per caching service. It owns everything a transport does not: the
 * envelope, batching, recognising its own echoes, liveness, detecting lost messages, replacing a stalled
 * connection, and the gap policy. The transport only moves text.
 *
 * Liveness: every message and probe this instance sends must come back within `heartbeatTimeoutMs`. An
 * idle instance sends a probe each interval, which only it receives when the transport offers probes; a
 * silence beyond the timeout is a stall, which is reported down and answered with a new connection. Up is
 * declared only when something sent after the outage began has come back.
 *
 * Loss detection on ordered buses: each sender numbers its messages; a jump is a gap. After an interval in
 * which it published invalidations, an instance sends one heartbeat on the shared channel, so that a lost
 * last invalidation shows as a jump within about one interval, while an idle farm sends nothing shared.
 */
export class Synchronizer {
  /** This instance's id on the bus. */
  readonly instanceId = randomUUID();
  readonly stats: SynchronizationStats = emptySynchronizationStats();
  private connection: TransportConnection | undefined;
  /** Counts connections: calls from the listener of a replaced connection are ignored. */
  private connectionNumber = 0;
  private readonly sender: Sender;
  private readonly echoes = new EchoTracker();
  private readonly sequences: SequenceTracker;
  private sequence = 0;
  private probes = 0;
  private tickTimer: TimerHandle | undefined;
  private deadlineTimer: TimerHandle | undefined;
  /** Whether invalidations were published since the last tick (which then sends a shared heartbeat). */
  private invalidationsSinceTick = false;
  private downSince = 0;
  private downCause: GapReason = 'disconnect';
  /** When the current connection was requested: a link down for a timeout since then is replaced. */
  private connectedAt = 0;
  private reconnecting = false;
  /** The latest reason the transport gave for being down: what `start()` rejects with if nothing comes back. */
  private lastProblem: Error | undefined;
  /** Settles `start()` once the first echo is back. */
  private firstEcho: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  /** How every message this instance publishes begins, to know its echoes at a glance. */
  private readonly ownPrefix: string;
  /** How every message of this namespace begins. */
  private readonly namespacePrefix: string;
  /** The sender of the last message from another instance, whose string the decoder reuses when it repeats. */
  private lastRemoteSender: string | undefined;
  /** Signs what this instance sends and checks what it receives; only with `signingKeys`. */
  private readonly signer: EnvelopeSigner | undefined;

  constructor(
    private readonly options: ResolvedSynchronizationOptions,
    private readonly namespace: string,
    private readonly sink: SynchronizationSink,
  ) {
    this.ownPrefix = senderPrefix(namespace, this.instanceId);
    this.namespacePrefix = namespacePrefix(namespace);
    this.sequences = new SequenceTracker(options.maxTrackedSenders);
    this.signer = options.signingKeys.length > 0 ? new EnvelopeSigner(options.signingKeys) : undefined;
    this.sender = new Sender(
      {
        maxPayloadBytes: () => this.maxPayloadBytes,
        overheadBytes: envelopeOverheadBytes(namespace, this.instanceId) + (this.signer === undefined ? 0 : EnvelopeSigner.overheadBytes),
        maxPendingItems: options.maxPendingInvalidations,
        attempts: options.publishAttempts,
        initialRetryDelayMs: options.initialRetryDelayMs,
        maxRetryDelayMs: options.maxRetryDelayMs,
      },
      { encode: this.encode, send: this.send, accepted: this.accepted, failed: this.publishFailed },
      options.scheduler,
    );
  }

  /** The largest message the transport carries: no instance sends more, so no instance reads more. */
  private get maxPayloadBytes(): number {
    return this.connection?.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** The transport's name, for errors. */
  get transportName(): string {
    return this.options.transport.name;
  }

  /**
   * Connects, and resolves once the engine's first message has come back through the bus: the subscription
   * is active end to end.
   * @throws the transport's own {@link CachetError} when it gives one, otherwise {@link SynchronizationError} (`E_SYNC_CONNECT`).
   */
  async start(): Promise<void> {
    this.stats.state = 'connecting';
    const { scheduler, connectTimeoutMs, transport } = this.options;
    const firstEcho = new Promise<never>((resolve, reject) => (this.firstEcho = { resolve: resolve as () => void, reject }));
    const timer = scheduler.setTimeout(() => this.firstEcho?.reject(this.nothingCameBack()), connectTimeoutMs);
    this.connectedAt = scheduler.now();
    const connecting = transport.connect(this.listenerFor(++this.connectionNumber));
    try {
      // The echo cannot come before the connection; racing it only bounds a connect() that hangs.
      this.connection = await Promise.race([connecting, firstEcho]);
      this.scheduleTick();
      this.probe();
      await firstEcho;
    } catch (error) {
      if (!this.closed) this.stats.state = 'idle';
      this.stopTimers();
      this.connection = undefined;
      connecting.then((connection) => connection.close(), ignore).catch(ignore);
      throw error instanceof CachetError ? error : new SynchronizationError('E_SYNC_CONNECT', transport.name, `could not connect: ${messageOf(error)}`, { cause: error });
    } finally {
      scheduler.clearTimeout(timer);
      this.firstEcho = undefined;
    }
  }

  /** Queues an invalidation for every other instance. */
  publish(invalidation: Invalidation): void {
    this.invalidationsSinceTick = true;
    this.sender.push(invalidation);
  }

  /**
   * Queues an invalidation; resolves once the bus accepted it (and everything queued before it). Rejects with
   * a {@link SynchronizationError} (`E_SYNC_PUBLISH`) when it is given up, when the service is disposed
   * first, or after `confirmTimeoutMs` (it then stays queued, and goes out once the link allows).
   */
  publishAndConfirm(invalidation: Invalidation): Promise<void> {
    this.invalidationsSinceTick = true;
    return this.sender.pushAndConfirm(invalidation, this.options.confirmTimeoutMs, this.notYetAccepted);
  }

  private readonly notYetAccepted = (): SynchronizationError =>
    new SynchronizationError(
      'E_SYNC_PUBLISH',
      this.transportName,
      `the bus did not accept this invalidation within ${this.options.confirmTimeoutMs} ms (confirmTimeoutMs); it stays queued and is published once the link allows. Other instances may serve the old value until then.`,
    );

  /** Flushes queued publishes (waiting at most `disposeTimeoutMs`), then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    const { scheduler, disposeTimeoutMs } = this.options;
    if (this.connection !== undefined && this.stats.state === 'up' && !this.sender.idle) {
      let timer: TimerHandle | undefined;
      await Promise.race([this.sender.drain(), new Promise<void>((resolve) => (timer = scheduler.setTimeout(resolve, disposeTimeoutMs)))]);
      scheduler.clearTimeout(timer);
    }
    const disposed = new SynchronizationError('E_SYNC_PUBLISH', this.transportName, 'the caching service was disposed before this invalidation could be published.');
    this.sender.stop(disposed);
    this.firstEcho?.reject(disposed);
    this.stats.state = 'closed';
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }

  private listenerFor(connectionNumber: number): TransportListener {
    const current = (): boolean => connectionNumber === this.connectionNumber && !this.closed;
    return {
      message: (payload) => {
        if (current()) this.receive(payload);
      },
      down: (reason) => {
        if (current()) this.transportDown(reason);
      },
      up: () => {
        if (current()) this.probe();
      },
    };
  }

  private readonly encode = (batch: Invalidation | 'heartbeat'): OutgoingMessage => {
    const sequence = ++this.sequence;
    if (batch === 'heartbeat') return { payload: encodeAfterPrefix(this.ownPrefix, sequence, HEARTBEAT, this.signer), sequence, kind: 'heartbeat' };
    // Wall-clock time, so that a receiver on another machine can tell the propagation delay.
    return { payload: encodeAfterPrefix(this.ownPrefix, sequence, batch, this.signer, Date.now()), sequence, kind: 'invalidation' };
  };

  private readonly send = (message: OutgoingMessage): Promise<void> => {
    const connection = this.connection;
    if (connection === undefined) return Promise.reject(new Error('not connected'));
    this.echoes.expectMessage(message.sequence, message.payload, this.options.scheduler.now());
    if (!hasTracingSubscribers(publishTracing)) return connection.publish(message.payload);
    const context = { namespace: this.namespace, transport: this.transportName, kind: message.kind };
    return publishTracing.tracePromise(() => connection.publish(message.payload), context);
  };

  private readonly accepted = (): void => {
    this.stats.published++;
  };

  private readonly publishFailed = (error: unknown, attempts: number): SynchronizationError => {
    this.stats.publishFailures++;
    const failure =
      error instanceof SynchronizationError
        ? error
        : new SynchronizationError('E_SYNC_PUBLISH', this.transportName, `an invalidation could not be published after ${attempts} attempts; other instances may serve stale entries until their own gap detection clears them.`, { cause: error });
    this.sink.emit('error', { error: failure, operation: 'publish' });
    return failure;
  };

  private readonly receive = (payload: string): void => {
    this.stats.received++;
    if (this.oversized(payload)) return this.drop('oversized');
    // Our own messages come back too: recognised by their first bytes, then compared whole (an exact copy
    // of what this instance signed needs no check).
    const own = ownSequence(payload, this.ownPrefix);
    if (own !== undefined) return this.ownMessage(payload, own);
    const text = this.authentic(payload);
    if (text === undefined) return this.drop('unauthenticated');
    const decoded = decodeEnvelopeOf(text, this.namespace, this.namespacePrefix, this.lastRemoteSender);
    if (!decoded.ok) return this.drop(decoded.reason);
    const envelope = decoded.envelope;
    if (envelope.namespace !== this.namespace) return this.drop('namespace');
    // Our id in another form than we write: not our message, whatever it claims.
    if (envelope.sender === this.instanceId) return this.drop('corrupt');
    this.lastRemoteSender = envelope.sender;
    if (this.connection?.ordered === true && this.sequences.observe(envelope.sender, envelope.sequence)) this.recover('sequence', 0);
    if (envelope.heartbeat) return this.received('heartbeat');
    this.stats.applied++;
    this.received('invalidation');
    this.sink.applyRemote(envelope, envelope.sentAt);
  };

  /** A payload in this instance's own form: an echo when it is exactly something sent and awaited. */
  private ownMessage(payload: string, sequence: number): void {
    const since = this.echoes.confirm(payload, sequence);
    if (since === undefined) {
      const text = this.authentic(payload);
      if (text === undefined) return this.drop('unauthenticated');
      // A late copy of something already settled (a probe before the first message included) is harmless;
      // anything else under our id is not ours.
      if (!(sequence <= this.sequence && decodeEnvelope(text, 0).ok)) this.drop('corrupt');
      return;
    }
    this.stats.echoes++;
    this.received('echo');
    if (this.stats.state === 'connecting') this.connected();
    else if (this.stats.state === 'down' && since >= this.downSince) this.restored();
  }

  /**
   * Whether a payload is larger than any instance sends, told without parsing it and, for most sizes,
   * without counting its bytes: a string's UTF-8 size is at least its length and at most three times it.
   */
  private oversized(payload: string): boolean {
    const limit = this.maxPayloadBytes;
    if (payload.length > limit) return true;
    return payload.length * 3 > limit && Buffer.byteLength(payload) > limit;
  }

  /** The text of a payload as its sender wrote it: itself when not signing, `undefined` when its signature fails. */
  private authentic(payload: string): string | undefined {
    return this.signer === undefined ? payload : this.signer.verify(payload);
  }

  private received(kind: keyof typeof RECEIVED): void {
    if (this.sink.hears('message-received')) this.sink.emit('message-received', RECEIVED[kind]);
  }

  private drop(reason: DropReason): void {
    this.stats.dropped[reason]++;
    this.sink.emit('dropped-message', { reason });
  }

  /** The first echo: the subscription is active, and whatever was cached before may have missed invalidations. */
  private connected(): void {
    this.stats.state = 'up';
    this.sink.recoverFromGap();
    this.sender.setLinkUp(true);
    this.firstEcho?.resolve();
  }

  /** Sends a message only this instance receives (a shared heartbeat where the transport has no probes). */
  private probe(): void {
    const connection = this.connection;
    if (connection === undefined) return;
    const now = this.options.scheduler.now();
    let sent: Promise<void>;
    try {
      if (connection.probe !== undefined) {
        const payload = encodeProbe(this.ownPrefix, this.sequence, ++this.probes, this.signer);
        this.echoes.expectProbe(payload, now);
        sent = connection.probe(payload);
      } else {
        sent = this.send(this.encode('heartbeat'));
      }
    } catch {
      return;
    }
    // A probe that fails is never echoed: the deadline notices.
    sent.catch(ignore);
    this.armDeadline(now);
  }

  private scheduleTick(): void {
    const interval = this.options.heartbeatIntervalMs;
    if (interval > 0) this.tickTimer = this.options.scheduler.setTimeout(this.tick, interval);
  }

  private readonly tick = (): void => {
    this.scheduleTick();
    const state = this.stats.state;
    if (state === 'up') {
      if (this.stalled()) return;
      if (this.invalidationsSinceTick && this.connection?.probe !== undefined) this.sender.pushHeartbeat();
      else if (this.echoes.isEmpty) this.probe();
      this.invalidationsSinceTick = false;
    } else if (state === 'down' || state === 'connecting') {
      if (state === 'down' && !this.reconnecting && this.options.scheduler.now() - Math.max(this.downSince, this.connectedAt) >= this.options.heartbeatTimeoutMs) {
        this.reconnect();
      } else {
        this.probe();
      }
    }
  };

  /** Checks the oldest expectation at `since + heartbeatTimeoutMs`, unless a check is already due. */
  private armDeadline(since: number): void {
    if (this.deadlineTimer !== undefined || this.options.heartbeatIntervalMs === 0) return;
    const delay = since + this.options.heartbeatTimeoutMs - this.options.scheduler.now();
    this.deadlineTimer = this.options.scheduler.setTimeout(this.deadlinePassed, Math.max(0, delay));
  }

  private readonly deadlinePassed = (): void => {
    this.deadlineTimer = undefined;
    if (this.stats.state !== 'up' || this.stalled()) return;
    const oldest = this.echoes.oldestSince();
    if (oldest !== undefined) this.armDeadline(oldest);
  };

  /** Whether the oldest expectation has waited out the timeout; if so, the link is replaced. */
  private stalled(): boolean {
    const oldest = this.echoes.oldestSince();
    const { heartbeatTimeoutMs, scheduler } = this.options;
    if (oldest === undefined || scheduler.now() - oldest < heartbeatTimeoutMs) return false;
    this.markDown(new SynchronizationError('E_SYNC_STALLED', this.transportName, `nothing sent came back within ${heartbeatTimeoutMs} ms (heartbeatTimeoutMs): the link has stalled; replacing the connection.`), 'heartbeat');
    this.reconnect();
    return true;
  }

  private transportDown(reason: Error): void {
    this.lastProblem = reason;
    if (this.stats.state === 'up' || this.stats.state === 'down') this.markDown(reason, 'disconnect');
  }

  private markDown(reason: Error, cause: GapReason): void {
    if (this.stats.state === 'down') {
      if (cause === 'disconnect') this.downCause = cause;
      return;
    }
    this.stats.state = 'down';
    this.downSince = this.options.scheduler.now();
    this.downCause = cause;
    this.sender.setLinkUp(false);
    if (this.options.whileDisconnected === 'bypass') this.sink.setBypass(true);
    this.sink.emit('sync-down', { reason });
  }

  /** Closes the current connection (without waiting on it: it may be dead) and opens a new one. */
  private reconnect(): void {
    if (this.reconnecting || this.closed) return;
    this.reconnecting = true;
    this.stats.reconnects++;
    this.connectedAt = this.options.scheduler.now();
    const previous = this.connection;
    this.connection = undefined;
    this.echoes.clear();
    previous?.close().catch(ignore);
    const connectionNumber = ++this.connectionNumber;
    this.options.transport
      .connect(this.listenerFor(connectionNumber))
      .then(
        (connection) => {
          if (connectionNumber !== this.connectionNumber || this.closed) return void connection.close().catch(ignore);
          this.connection = connection;
          this.probe();
        },
        // Still down: the next tick tries again once heartbeatTimeoutMs has passed since this attempt.
        ignore,
      )
      .finally(() => (this.reconnecting = false));
  }

  /** Something sent since the outage began came back: the link delivers again. */
  private restored(): void {
    this.stats.state = 'up';
    const downForMs = this.options.scheduler.now() - this.downSince;
    // Other senders' sequences moved on while we were away; the clear below covers that gap already.
    this.sequences.clear();
    this.echoes.clear();
    this.recover(this.downCause, downForMs);
    this.sink.setBypass(false);
    this.sender.setLinkUp(true);
    this.sink.emit('sync-up', { downForMs });
  }

  private recover(reason: GapReason, downForMs: number): void {
    this.stats.gaps++;
    this.sink.recoverFromGap();
    this.sink.emit('gap', { reason, downForMs });
  }

  /** Why `initialize()` gives up waiting: the transport's own error when it reported one, or the silence. */
  private nothingCameBack(): CachetError {
    const problem = this.lastProblem;
    if (problem instanceof CachetError) return problem;
    const { connectTimeoutMs } = this.options;
    return new SynchronizationError('E_SYNC_CONNECT', this.transportName, `nothing sent came back through the bus within ${connectTimeoutMs} ms (connectTimeoutMs): the subscription is not active.`, { cause: problem });
  }

  private get closed(): boolean {
    return this.stats.state === 'closed';
  }

  private stopTimers(): void {
    const { scheduler } = this.options;
    if (this.tickTimer !== undefined) scheduler.clearTimeout(this.tickTimer);
    if (this.deadlineTimer !== undefined) scheduler.clearTimeout(this.deadlineTimer);
    this.tickTimer = undefined;
    this.deadlineTimer = undefined;
  }
}
