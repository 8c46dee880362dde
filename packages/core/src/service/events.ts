import type { SynchronizationEvents } from '../sync/synchronization-events';
import type { ResilienceEvents } from './resilience-events';

/** The events a caching service emits, by name, with their payloads (the synchronization engine's included). */
export interface CachingEvents extends SynchronizationEvents, ResilienceEvents {
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
  };
}

/** A listener of one event. */
export type CachingEventListener<E extends keyof CachingEvents> = (event: CachingEvents[E]) => void;

type ListenerTable = { [E in keyof CachingEvents]?: CachingEventListener<E>[] };

/**
 * A small typed event hub. Emitting costs one property read when nobody listens, so the hot path can
 * afford to ask.
 */
export class EventHub {
  /** Listeners by event; `undefined` when there are none. Read it to skip building an event nobody hears. */
  readonly listeners: ListenerTable = {};

  on<E extends keyof CachingEvents>(name: E, listener: CachingEventListener<E>): () => void {
    const current = (this.listeners[name] ?? []) as CachingEventListener<E>[];
    (this.listeners as Record<string, unknown>)[name] = [...current, listener];
    return () => {
      const remaining = ((this.listeners[name] ?? []) as CachingEventListener<E>[]).filter((l) => l !== listener);
      (this.listeners as Record<string, unknown>)[name] = remaining.length > 0 ? remaining : undefined;
    };
  }

  emit<E extends keyof CachingEvents>(name: E, event: CachingEvents[E]): void {
    const listeners = this.listeners[name] as CachingEventListener<E>[] | undefined;
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break caching; it is reported like any background failure.
        if (name !== 'error') this.emit('error', { error, operation: `listener of '${name}'` });
      }
    }
  }
}
