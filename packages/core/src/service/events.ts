import { type Channel, channel } from 'node:diagnostics_channel';
import type { EvictionReason } from '../backends/cache-backend';
import type { SynchronizationEvents } from '../sync/synchronization-events';
import type { ResilienceEvents } from './resilience-events';
import type { SecondLevelEvents } from './second-level-events';
import type { CachingService } from './caching-service';

/**
 * Where an event comes from: its service and, for the events of a cached call, the method and profile.
 * One object per service and per cached method, built once: events point at it, so it costs nothing per
 * event. Holds names only, never a key or an argument.
 */
export interface EventOrigin {
  readonly service: CachingService;
  /** The service's `namespace`. */
  readonly namespace: string;
  /** The class of the cached method; `undefined` for `getOrSet` and for service-wide events. */
  readonly className: string | undefined;
  /** The cached method; `undefined` for `getOrSet` and for service-wide events. */
  readonly methodName: string | undefined;
  /** The profile the call's settings come from; `undefined` for service-wide events. */
  readonly profile: string | undefined;
}

/** The events of a service, without their {@link EventOrigin}. */
export interface ServiceEventPayloads extends SynchronizationEvents, ResilienceEvents, SecondLevelEvents {
  /** A cached method or `getOrSet` found a live entry. */
  hit: { readonly key: string };
  /** No live entry: the method runs (or joins a run already in flight). */
  miss: { readonly key: string };
  /** A result was stored. */
  set: { readonly key: string };
  /** A result was not stored because an invalidation or clear overtook its load (the coherence fence). */
  fenced: { readonly key: string };
  /** Entries were invalidated, here (`local`) or by a message from another instance (`remote`). */
  invalidate: {
    readonly source: 'local' | 'remote';
    readonly keys: readonly string[];
    readonly dependencies: readonly string[];
    readonly all: boolean;
    /** How many local entries went, dependents included. */
    readonly removed: number;
    /**
     * For a remote invalidation, when its sender published it, in milliseconds since the epoch on the
     * sender's clock (`Date.now()`); `undefined` for local ones and for senders that do not stamp.
     */
    readonly sentAt: number | undefined;
  };
  /** An entry left on its own: pushed out by the backend's bound (`capacity`) or found expired (`expired`). */
  evict: { readonly key: string; readonly reason: EvictionReason };
}

/**
 * The events a caching service emits, by name, with their payloads (the synchronization engine's included).
 * Every payload names its {@link EventOrigin}.
 */
export type CachingEvents = { readonly [E in keyof ServiceEventPayloads]: ServiceEventPayloads[E] & { readonly origin: EventOrigin } };

/** A listener of one event. */
export type CachingEventListener<E extends keyof CachingEvents> = (event: CachingEvents[E]) => void;


/** Every event's name: a record, so that an event added to the payloads without a channel does not compile. */
const EVENTS: { readonly [E in keyof ServiceEventPayloads]-?: true } = {
  hit: true,
  miss: true,
  set: true,
  fenced: true,
  invalidate: true,
  evict: true,
  error: true,
  'sync-down': true,
  'sync-up': true,
  gap: true,
  'dropped-message': true,
  'message-received': true,
  'stale-served': true,
  'fail-safe': true,
  'soft-timeout': true,
  'hard-timeout': true,
  'eager-refresh': true,
  'auto-reload': true,
  'background-error': true,
  'l2-down': true,
  'l2-up': true,
};
const EVENT_NAMES = Object.keys(EVENTS) as (keyof CachingEvents)[];

/**
 * The `node:diagnostics_channel` name of every event: `cachet:` and the event's name (`cachet:hit`,
 * `cachet:invalidate`, `cachet:sync-down`…). Every service publishes there what it hands its own
 * listeners, the same object, and only while the channel has subscribers.
 */
export const diagnosticsChannelNames = Object.freeze(Object.fromEntries(EVENT_NAMES.map((name) => [name, `cachet:${name}`]))) as {
  readonly [E in keyof CachingEvents]: `cachet:${E}`;
};

/** The channels themselves, created once per process; the hub reads `hasSubscribers` on them. */
const CHANNELS = Object.fromEntries(EVENT_NAMES.map((name) => [name, channel(diagnosticsChannelNames[name])])) as {
  readonly [E in keyof CachingEvents]: Channel;
};

/** One event of one hub: the service's own listeners of it, and its process-wide channel. */
export class EventTap<E extends keyof CachingEvents> {
  /** `undefined` when the service has none. */
  listeners: CachingEventListener<E>[] | undefined = undefined;

  constructor(readonly channel: Channel) {}

  /** Whether anyone hears the event: a listener of this service, or a subscriber of its channel. */
  get heard(): boolean {
    return this.listeners !== undefined || this.channel.hasSubscribers;
  }
}

type EventTaps = { readonly [E in keyof CachingEvents]: EventTap<E> };

/**
 * A caching service's events: the one way every event leaves core. Each goes to the service's own
 * listeners ({@link CachingService.on}) and to the process-wide diagnostics channel of its name, for
 * instrumentation such as `@cachet/opentelemetry`. Asking costs two property reads, so the hot path can
 * afford to ask before it builds an event; it asks through {@link EventHub.taps} by name
 * (`events.taps.hit.heard`), since a lookup by a variable name (`hears(name)`) is a hash lookup once
 * many events go through it, which showed as about a fifth of a synchronous hit.
 */
export class EventHub {
  /** Every event's tap, one fixed shape for every hub. */
  readonly taps = Object.fromEntries(EVENT_NAMES.map((name) => [name, new EventTap(CHANNELS[name])])) as unknown as EventTaps;

  constructor(readonly origin: EventOrigin) {}

  /** Whether anyone hears `name`: a listener of this service, or a subscriber of its diagnostics channel. */
  hears(name: keyof CachingEvents): boolean {
    return this.taps[name].heard;
  }

  on<E extends keyof CachingEvents>(name: E, listener: CachingEventListener<E>): () => void {
    const tap = this.taps[name] as EventTap<E>;
    tap.listeners = [...(tap.listeners ?? []), listener];
    return () => {
      const remaining = (tap.listeners ?? []).filter((l) => l !== listener);
      tap.listeners = remaining.length > 0 ? remaining : undefined;
    };
  }

  emit<E extends keyof CachingEvents>(name: E, event: CachingEvents[E]): void {
    const tap = this.taps[name] as EventTap<E>;
    const listeners = tap.listeners;
    if (listeners !== undefined) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          // A listener's bug must not break caching; it is reported like any background failure.
          if (name !== 'error') this.emit('error', { error, operation: `listener of '${name}'`, origin: this.origin });
        }
      }
    }
    // diagnostics_channel reports a subscriber's exception on the next tick, outside this call.
    if (tap.channel.hasSubscribers) tap.channel.publish(event);
  }

  /**
   * Emits a service-wide event, whose origin is the service's own, if anyone hears it; its payload is built
   * without the origin (the synchronization engine's, the second level's, the backend's evictions).
   */
  emitFromService<E extends keyof ServiceEventPayloads>(name: E, payload: ServiceEventPayloads[E]): void {
    if (this.hears(name)) this.emit(name, { ...payload, origin: this.origin } as unknown as CachingEvents[E]);
  }
}
