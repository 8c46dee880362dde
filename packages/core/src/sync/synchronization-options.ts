import { createSecretKey, type KeyObject } from 'node:crypto';
import { CacheConfigurationError } from '../errors';
import { realScheduler, type Scheduler } from './scheduler';
import type { SynchronizationTransport } from './transport';

/** What the service does while the bus is down, when invalidations from other instances cannot arrive. */
export type DisconnectedPolicy = 'serve-local' | 'bypass';

/**
 * The synchronization engine's settings, with the transport. Pass a bare transport to
 * `CachingService.create({ synchronization })` for all the defaults.
 */
export interface SynchronizationOptions {
  /** The bus: `new InProcessSynchronization()`, `new RedisSynchronization({...})`, `new AzureServiceBusSynchronization({...})`. */
  readonly transport: SynchronizationTransport;
  /**
   * While the link is down: `'serve-local'` keeps serving the local entries (they may go stale until the
   * link is back, when the whole local cache is cleared); `'bypass'` runs every cached method as if it were
   * not cached until the link is back.
   * @default 'serve-local'
   */
  readonly whileDisconnected?: DisconnectedPolicy;
  /**
   * How often an idle instance checks its link: it sends a probe that only it receives (or, on a transport
   * without probes, a heartbeat on the shared channel), whose echo proves the link still delivers. After an
   * interval in which it published invalidations, it also sends one heartbeat on the shared channel, so
   * that another instance that lost its last invalidation notices within about one interval. `0` turns
   * heartbeats off (then only disconnections the transport reports are detected, and a stalled link is
   * never replaced).
   * @default 5000
   */
  readonly heartbeatIntervalMs?: number;
  /**
   * How long a message or probe may go without its echo before the link counts as stalled: it is reported
   * down, the connection is closed and a new one opened, and a gap is recovered once an echo comes back.
   * With the default, a link that goes silent is reported down within three intervals.
   * @default 2 × {@link SynchronizationOptions.heartbeatIntervalMs}
   */
  readonly heartbeatTimeoutMs?: number;
  /**
   * How long `initialize()` waits for the transport to connect and for the engine's first message to come
   * back through the bus, the proof that the subscription is active.
   * @default 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Senders whose sequence numbers are remembered for detecting lost messages on an ordered bus; beyond
   * it, those heard from least recently are forgotten. About 100 bytes each.
   * @default 10000
   */
  readonly maxTrackedSenders?: number;
  /** The clock and timers of heartbeats, echo deadlines, backoff and reconnection: inject one in tests. @default Node's timers */
  readonly scheduler?: Scheduler;
  /**
   * Attempts to publish one message before it is given up and reported with an `error` event.
   * @default 12
   */
  readonly publishAttempts?: number;
  /** First delay between attempts; it doubles up to {@link SynchronizationOptions.maxRetryDelayMs}. @default 50 */
  readonly initialRetryDelayMs?: number;
  /** @default 5000 */
  readonly maxRetryDelayMs?: number;
  /**
   * Distinct keys and tags waiting to be published beyond which they are replaced by one clear-all (a
   * long outage then costs every instance a cold cache, not a flood).
   * @default 100000
   */
  readonly maxPendingInvalidations?: number;
  /**
   * How long the promise of `invalidate()`, `invalidateTags()`, `invalidateObject()` or `clear()` waits for the
   * bus to accept the invalidation before it rejects (the invalidation stays queued and is still sent).
   * @default 5000
   */
  readonly confirmTimeoutMs?: number;
  /** How long `dispose()` waits for queued publishes before reporting them as failed. @default 5000 */
  readonly disposeTimeoutMs?: number;
  /**
   * Secrets that authenticate the bus: `[current, ...previous]`, each a string (its UTF-8 bytes) or a
   * Buffer of at least 32 bytes, from configuration (never from code). Every message this instance sends
   * (invalidations, heartbeats, probes) carries an HMAC-SHA256 under the first key; a message received
   * without a valid signature under one of the keys is dropped, counted as `'unauthenticated'`, and never
   * counts as an echo or a heartbeat. Instances with keys and instances without cannot invalidate each
   * other's caches: those without keys apply signed messages (ignoring the signature), those with keys drop
   * unsigned ones.
   *
   * Rotate in two deploys, so that every instance always accepts what every other one signs: first add the
   * new key second everywhere (`[old, new]`), then, once every instance runs with it, put it first
   * (`[new, old]`); drop the old key in a later deploy. Keys are never logged nor put in errors.
   *
   * Costs one HMAC per message sent and one per message received (two for a message signed with the second
   * key), and 50 bytes per message. Without keys nothing of this runs.
   * @default no signing: any publisher on the channel is trusted
   * @throws {@link CacheConfigurationError} naming `synchronization.signingKeys[i]` for a key that is not a
   *   string or Buffer of at least 32 bytes.
   */
  readonly signingKeys?: readonly (string | Buffer)[];
}

/** {@link SynchronizationOptions} with every default filled in; keys as key objects, empty when not signing. */
export type ResolvedSynchronizationOptions = Omit<Required<SynchronizationOptions>, 'signingKeys'> & { readonly signingKeys: readonly KeyObject[] };

/** The shortest signing key: the output size of SHA-256, below which HMAC keys are weaker than the hash. */
const MIN_KEY_BYTES = 32;

function nonNegative(option: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new CacheConfigurationError(`synchronization.${option}`, `expected a non-negative number of milliseconds, got ${String(value)}.`);
  }
  return value;
}

function positiveInteger(option: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new CacheConfigurationError(`synchronization.${option}`, `expected a positive integer, got ${String(value)}.`);
  }
  return value;
}

function signingKeys(keys: readonly (string | Buffer)[] | undefined): KeyObject[] {
  if (keys === undefined) return [];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new CacheConfigurationError('synchronization.signingKeys', 'expected a non-empty array of keys, [current, ...previous]; leave it out not to sign.');
  }
  return keys.map((key: unknown, i) => {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.isBuffer(key) ? key : undefined;
    // The message says what the key is, never what it holds.
    if (bytes === undefined) throw new CacheConfigurationError(`synchronization.signingKeys[${i}]`, `expected a string or a Buffer, got ${key === null ? 'null' : typeof key}.`);
    if (bytes.length < MIN_KEY_BYTES) {
      throw new CacheConfigurationError(`synchronization.signingKeys[${i}]`, `expected at least ${MIN_KEY_BYTES} bytes, got ${bytes.length}: generate one with \`openssl rand -base64 48\`.`);
    }
    return createSecretKey(bytes);
  });
}

function isTransport(value: unknown): value is SynchronizationTransport {
  return typeof value === 'object' && value !== null && typeof (value as SynchronizationTransport).connect === 'function';
}

/** Validates the `synchronization` option once and fills in its defaults. */
export function resolveSynchronizationOptions(option: SynchronizationTransport | SynchronizationOptions): ResolvedSynchronizationOptions {
  const options: SynchronizationOptions = isTransport(option) ? { transport: option } : option;
  if (!isTransport(options.transport)) {
    throw new CacheConfigurationError(
      'synchronization',
      'expected a transport (an object with connect(), such as new InProcessSynchronization() or new RedisSynchronization({...})) or { transport, ... }.',
    );
  }
  const policy = options.whileDisconnected ?? 'serve-local';
  if (policy !== 'serve-local' && policy !== 'bypass') {
    throw new CacheConfigurationError('synchronization.whileDisconnected', `expected 'serve-local' or 'bypass', got ${JSON.stringify(policy)}.`);
  }
  const heartbeatIntervalMs = nonNegative('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 5000);
  const publishAttempts = options.publishAttempts ?? 12;
  if (!(Number.isInteger(publishAttempts) && publishAttempts >= 1)) {
    throw new CacheConfigurationError('synchronization.publishAttempts', `expected an integer of at least 1, got ${String(publishAttempts)}.`);
  }
  const maxPendingInvalidations = positiveInteger('maxPendingInvalidations', options.maxPendingInvalidations ?? 100_000);
  const maxTrackedSenders = positiveInteger('maxTrackedSenders', options.maxTrackedSenders ?? 10_000);
  return {
    transport: options.transport,
    whileDisconnected: policy,
    heartbeatIntervalMs,
    heartbeatTimeoutMs: nonNegative('heartbeatTimeoutMs', options.heartbeatTimeoutMs ?? heartbeatIntervalMs * 2),
    connectTimeoutMs: nonNegative('connectTimeoutMs', options.connectTimeoutMs ?? 10_000),
    maxTrackedSenders,
    scheduler: options.scheduler ?? realScheduler,
    publishAttempts,
    initialRetryDelayMs: nonNegative('initialRetryDelayMs', options.initialRetryDelayMs ?? 50),
    maxRetryDelayMs: nonNegative('maxRetryDelayMs', options.maxRetryDelayMs ?? 5000),
    maxPendingInvalidations,
    confirmTimeoutMs: nonNegative('confirmTimeoutMs', options.confirmTimeoutMs ?? 5000),
    disposeTimeoutMs: nonNegative('disposeTimeoutMs', options.disposeTimeoutMs ?? 5000),
    signingKeys: signingKeys(options.signingKeys),
  };
}
