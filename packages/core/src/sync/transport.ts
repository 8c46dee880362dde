/**
 * The contract a synchronization transport implements: move opaque text messages between instances and
 * say whether the link is up. A transport never parses messages, filters its own echoes, batches, retries
 * on a policy of its own, or touches a cache: the synchronization engine in `@cachet/core` does all of
 * that once, for every transport.
 *
 * @example
 * ```ts
 * const service = CachingService.create({ synchronization: new InProcessBus() });
 * ```
 */
export interface SynchronizationTransport {
  /** A short name for logs, events and errors, such as `redis` or `azure-service-bus`. */
  readonly name: string;
  /**
   * Opens one connection for one caching service.
   *
   * Resolves only once the subscription is active: a message that any connection publishes after this
   * promise resolves must reach `listener.message`. Rejects with a clear error when the transport cannot
   * connect (bad address, bad credentials, missing rights); the engine reports it to the caller of
   * `initialize()`.
   */
  connect(listener: TransportListener): Promise<TransportConnection>;
}

/** What a transport calls back into: received messages and the state of its link. */
export interface TransportListener {
  /**
   * A message received from the bus, including this connection's own publications (the engine drops
   * those). Messages are text; a transport whose bus delivers bytes decodes them as UTF-8.
   */
  message(payload: string): void;
  /**
   * The link was lost, or the subscription stopped: messages published from now on may never arrive.
   * May be called more than once for one outage.
   */
  down(reason: Error): void;
  /** The link and the subscription are active again after a {@link TransportListener.down}. */
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
   * accepted it, which a transport may learn from the payload's own copy coming back (it then reaches
   * `listener.message` first); rejects when it could not (the engine retries with backoff).
   */
  publish(payload: string): Promise<void>;
  /** Closes the connection and releases what the transport created for it. Idempotent. */
  close(): Promise<void>;
}
