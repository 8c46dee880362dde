/**
 * The contract a synchronization transport implements: move opaque text messages between instances and
 * say whether the link is up. A transport publishes text, delivers text, reports up and down, and closes.
 * It never parses messages, filters its own echoes, batches, retries, times anything out or decides that a
 * link is dead: the synchronization engine in `@cachet/core` does all of that once, for every transport.
 * When the engine finds a link stalled (its own messages stop coming back), it closes the connection and
 * calls {@link SynchronizationTransport.connect} again.
 *
 * @example
 * ```ts
 * const service = CachingService.create({ synchronization: new InProcessSynchronization() });
 * ```
 */
export interface SynchronizationTransport {
  /** A short name for logs, events and errors, such as `redis` or `azure-service-bus`. */
  readonly name: string;
  /**
   * Opens one connection for one caching service; called again after the engine closed a stalled one.
   *
   * Resolves once the connection can publish and its subscription has been requested. The engine then
   * proves the subscription end to end: `initialize()` resolves only once the engine's first message has
   * come back through the bus. Rejects when the transport cannot connect; a {@link CachetError} subclass
   * (such as a transport's own error for missing rights) reaches the caller of `initialize()` unchanged,
   * anything else is wrapped in a `SynchronizationError` (`E_SYNC_CONNECT`).
   */
  connect(listener: TransportListener): Promise<TransportConnection>;
}

/** What a transport calls back into: received messages and the state of its link. */
export interface TransportListener {
  /**
   * A message received from the bus, including this connection's own publications and probes (the engine
   * recognises those). Messages are text; a transport whose bus delivers bytes decodes them as UTF-8.
   */
  message(payload: string): void;
  /**
   * The link was lost, or the subscription stopped: messages published from now on may never arrive.
   * May be called more than once for one outage.
   */
  down(reason: Error): void;
  /**
   * The transport believes the link and the subscription are active again after a
   * {@link TransportListener.down}. The engine confirms it with a message of its own before it reports the
   * link up; a transport that cannot know when it is back need never call this.
   */
  up(): void;
}

/** One open connection of a transport. */
export interface TransportConnection {
  /**
   * The largest payload, in UTF-8 bytes, this connection can publish. The engine splits its batches to stay
   * under it.
   */
  readonly maxPayloadBytes: number;
  /**
   * Whether the bus delivers one publisher's messages to every subscriber in the order they were
   * published (Redis pub/sub does; Service Bus topics do not). Ordered transports let the engine detect
   * lost messages from gaps in sequence numbers.
   */
  readonly ordered: boolean;
  /**
   * Publishes one payload to every connection of the bus, this one included. Resolves when the bus has
   * accepted it; rejects when it could not (the engine retries with backoff). It need not time out: the
   * engine notices a publish that never settles.
   */
  publish(payload: string): Promise<void>;
  /**
   * Optional. Publishes one payload that only this connection receives, along the same path as
   * {@link TransportConnection.publish} (for example on a channel of its own): the engine's private
   * liveness probe. With it, an idle instance costs the bus and the other instances nothing; without it,
   * the engine proves liveness with heartbeats on the shared channel, which every instance receives, so the
   * idle cost of a farm grows with the square of its size.
   */
  probe?(payload: string): Promise<void>;
  /**
   * Closes the connection and releases what the transport created for it. Idempotent, and prompt even on a
   * dead link: the engine closes stalled connections before it opens new ones.
   */
  close(): Promise<void>;
}
