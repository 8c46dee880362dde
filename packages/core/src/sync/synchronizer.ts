import { randomUUID } from 'node:crypto';
import { SynchronizationError } from '../errors';
import type { EventHub, GapReason } from '../service/events';
import { emptySynchronizationStats, type SynchronizationStats } from '../service/stats';
import type { DropReason, Invalidation } from './envelope';
import { decodeEnvelopeOf, type EnvelopeContent, encodeAfterPrefix, envelopeOverheadBytes, listItemBytes, namespacePrefix, ownSequence, senderPrefix } from './envelope-codec';
import { type OutgoingMessage, PublishQueue } from './publish-queue';
import type { ResolvedSynchronizationOptions } from './synchronization-options';
import type { TransportConnection, TransportListener } from './transport';

/** What the engine asks of the caching service it keeps coherent. */
export interface SynchronizationSink {
  /** Applies an invalidation received from another instance, fencing in-flight loads like a local one. */
  applyRemote(invalidation: Invalidation): void;
  /** Messages were or may have been missed: drop every local entry and fence every in-flight load. */
  recoverFromGap(): void;
  /** While `true`, cached methods run uncached (the `'bypass'` policy during an outage). */
  setBypass(bypass: boolean): void;
}

/** What a heartbeat carries: nothing to invalidate. */
const HEARTBEAT: EnvelopeContent = { keys: [], dependencies: [], all: false, heartbeat: true };

/** Senders remembered for sequence checks; the oldest are forgotten beyond this. */
const MAX_TRACKED_SENDERS = 1024;

/**
 * The synchronization engine: one per caching service. It owns everything a transport does not: the
 * envelope, batching, dropping its own echoes, liveness by heartbeat, detecting lost messages, and the
 * gap policy. The transport only moves bytes.
 */
export class Synchronizer {
  /** This instance's id on the bus. */
  readonly instanceId = randomUUID();
  readonly stats: SynchronizationStats = emptySynchronizationStats();
  private connection: TransportConnection | undefined;
  private readonly queue: PublishQueue;
  private sequence = 0;
  private readonly lastSequenceBySender = new Map<string, number>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** Whether anything was handed to the transport since the last heartbeat tick (which then needs no heartbeat). */
  private publishedSinceBeat = false;
  /** The oldest message the bus accepted whose echo has not come back, with when it was accepted. */
  private awaitingEcho: { sequence: number; since: number } | undefined;
  private lastAccepted: { sequence: number; since: number } | undefined;
  /** The highest sequence whose echo came back; a transport may confirm a publish only after its echo (Redis does). */
  private highestEcho = 0;
  private downSince = 0;
  private downCause: GapReason = 'disconnect';
  /** How every message this instance publishes begins, to know its echoes at a glance. */
  private readonly ownPrefix: string;
  /** How every message of this namespace begins. */
  private readonly namespacePrefix: string;
  /** The sender of the last message from another instance, whose string the decoder reuses when it repeats. */
  private lastRemoteSender: string | undefined;

  constructor(
    private readonly options: ResolvedSynchronizationOptions,
    private readonly namespace: string,
    private readonly sink: SynchronizationSink,
    private readonly events: EventHub,
  ) {
    this.ownPrefix = senderPrefix(namespace, this.instanceId);
    this.namespacePrefix = namespacePrefix(namespace);
    this.queue = new PublishQueue(
      {
        maxPayloadBytes: () => this.connection?.maxPayloadBytes ?? 64 * 1024,
        overheadBytes: envelopeOverheadBytes(namespace, this.instanceId),
        itemBytes: listItemBytes,
        maxPendingItems: options.maxPendingInvalidations,
        attempts: options.publishAttempts,
        initialRetryDelayMs: options.initialRetryDelayMs,
        maxRetryDelayMs: options.maxRetryDelayMs,
      },
      { encode: this.encode, send: this.send, sent: this.accepted, failed: this.publishFailed },
    );
  }

  /** The transport's name, for errors. */
  get transportName(): string {
    return this.options.transport.name;
  }

  /** Connects and resolves once the subscription is active. */
  async start(): Promise<void> {
    this.stats.state = 'connecting';
    const listener: TransportListener = {
      message: this.receive,
      down: (reason) => this.linkLost(reason, 'disconnect'),
      up: () => this.linkRestored(),
    };
    try {
      this.connection = await this.options.transport.connect(listener);
    } catch (error) {
      this.stats.state = 'idle';
      if (error instanceof SynchronizationError) throw error;
      throw new SynchronizationError('E_SYNC_CONNECT', this.transportName, `could not connect: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
    if (this.stats.state === 'connecting') this.stats.state = 'up';
    // Whatever was cached before the subscription was active may have missed invalidations.
    this.sink.recoverFromGap();
    if (this.stats.state === 'up') this.queue.setLinkUp(true);
    if (this.options.heartbeatIntervalMs > 0) {
      this.heartbeatTimer = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
      this.heartbeatTimer.unref();
    }
  }

  /** Queues an invalidation for every other instance. */
  publish(invalidation: Invalidation): void {
    this.queue.push(invalidation);
  }

  /** Flushes queued publishes (waiting at most `disposeTimeoutMs`), then closes the connection. */
  async close(): Promise<void> {
    if (this.stats.state === 'closed') return;
    clearInterval(this.heartbeatTimer);
    if (this.connection !== undefined && this.queue.hasBacklog) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.queue.drain(), new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.disposeTimeoutMs)))]);
      clearTimeout(timer);
    }
    this.queue.stop(new SynchronizationError('E_SYNC_PUBLISH', this.transportName, 'the caching service was disposed before this invalidation could be published.'));
    this.stats.state = 'closed';
    await this.connection?.close();
  }

  private readonly encode = (batch: Invalidation | 'heartbeat'): OutgoingMessage => {
    const sequence = ++this.sequence;
    return { payload: encodeAfterPrefix(this.ownPrefix, sequence, batch === 'heartbeat' ? HEARTBEAT : batch), sequence };
  };

  private readonly send = (message: OutgoingMessage): Promise<void> => {
    const connection = this.connection;
    if (connection === undefined) return Promise.reject(new Error('not connected'));
    this.publishedSinceBeat = true;
    return connection.publish(message.payload);
  };

  private readonly accepted = (message: OutgoingMessage): void => {
    this.stats.published++;
    const now = performance.now();
    this.lastAccepted = { sequence: message.sequence, since: now };
    if (message.sequence > this.highestEcho) this.awaitingEcho ??= this.lastAccepted;
  };

  private readonly publishFailed = (error: unknown, attempts: number): void => {
    this.stats.publishFailures++;
    const failure =
      error instanceof SynchronizationError
        ? error
        : new SynchronizationError('E_SYNC_PUBLISH', this.transportName, `an invalidation could not be published after ${attempts} attempts; other instances may serve stale entries until their own gap detection clears them.`, { cause: error });
    this.events.emit('error', { error: failure, operation: 'publish' });
  };

  private readonly receive = (payload: string): void => {
    this.stats.received++;
    // Our own messages come back too: recognised by their first bytes, not parsed.
    const echo = ownSequence(payload, this.ownPrefix);
    if (echo !== undefined) return this.echoed(echo);
    const decoded = decodeEnvelopeOf(payload, this.namespace, this.namespacePrefix, this.lastRemoteSender);
    if (!decoded.ok) return this.drop(decoded.reason);
    const envelope = decoded.envelope;
    if (envelope.namespace !== this.namespace) return this.drop('namespace');
    if (envelope.sender === this.instanceId) return this.echoed(envelope.sequence);
    this.lastRemoteSender = envelope.sender;
    if (this.connection?.ordered === true) this.checkSequence(envelope.sender, envelope.sequence);
    if (envelope.heartbeat) return;
    this.stats.applied++;
    this.sink.applyRemote(envelope);
  };

  private drop(reason: DropReason): void {
    this.stats.dropped[reason]++;
    this.events.emit('dropped-message', { reason });
  }

  private echoed(sequence: number): void {
    this.stats.echoes++;
    if (sequence > this.highestEcho) this.highestEcho = sequence;
    const awaiting = this.awaitingEcho;
    if (awaiting !== undefined && sequence >= awaiting.sequence) {
      const latest = this.lastAccepted;
      this.awaitingEcho = latest !== undefined && latest.sequence > sequence ? latest : undefined;
    }
    if (this.stats.state === 'down' && this.downCause === 'heartbeat') this.linkRestored();
  }

  /** On an ordered bus, a jump in a sender's sequence means messages from it were lost. */
  private checkSequence(sender: string, sequence: number): void {
    const last = this.lastSequenceBySender.get(sender);
    if (last !== undefined && sequence <= last) return;
    if (last === undefined && this.lastSequenceBySender.size >= MAX_TRACKED_SENDERS) {
      const oldest = this.lastSequenceBySender.keys().next().value;
      if (oldest !== undefined) this.lastSequenceBySender.delete(oldest);
    }
    this.lastSequenceBySender.set(sender, sequence);
    if (last !== undefined && sequence > last + 1) this.recover('sequence', 0);
  }

  private beat(): void {
    const now = performance.now();
    const awaiting = this.awaitingEcho;
    if (this.stats.state === 'up' && awaiting !== undefined && now - awaiting.since > this.options.heartbeatTimeoutMs) {
      this.linkLost(new Error(`no echo of message ${awaiting.sequence} within ${this.options.heartbeatTimeoutMs} ms`), 'heartbeat');
    }
    if (!this.publishedSinceBeat) this.queue.pushHeartbeat();
    this.publishedSinceBeat = false;
  }

  private linkLost(reason: Error, cause: GapReason): void {
    if (this.stats.state === 'closed') return;
    if (cause === 'disconnect') this.queue.setLinkUp(false);
    if (this.stats.state === 'down') {
      if (cause === 'disconnect') this.downCause = cause;
      return;
    }
    this.stats.state = 'down';
    this.downSince = performance.now();
    this.downCause = cause;
    this.awaitingEcho = undefined;
    if (this.options.whileDisconnected === 'bypass') this.sink.setBypass(true);
    this.events.emit('sync-down', { reason });
  }

  private linkRestored(): void {
    if (this.stats.state !== 'down') return;
    this.stats.state = 'up';
    const downForMs = performance.now() - this.downSince;
    // Other senders' sequences moved on while we were away; the clear below covers that gap already.
    this.lastSequenceBySender.clear();
    this.recover(this.downCause, downForMs);
    this.sink.setBypass(false);
    this.queue.setLinkUp(true);
    this.events.emit('sync-up', { downForMs });
  }

  private recover(reason: GapReason, downForMs: number): void {
    this.stats.gaps++;
    this.sink.recoverFromGap();
    this.events.emit('gap', { reason, downForMs });
  }
}
