import { tracingChannel } from 'node:diagnostics_channel';
import { hasTracingSubscribers } from '../sync/tracing-channels';
import type { EventOrigin } from './events';

/**
 * What the `cachet:load` tracing channel carries about one load: a run of a cached method (or `getOrSet`
 * factory) after a miss, or for `refresh()`. Joining a load already running is not a load.
 */
export interface LoadContext {
  readonly origin: EventOrigin;
  /** The entry's key: for correlation, not for recording (it holds argument values). */
  readonly key: string;
  /** `miss` for a load after a miss, `refresh` for `CachingService.refresh()`. */
  readonly cause: 'miss' | 'refresh';
  /** Set before the load's `end` (sync) or `asyncEnd` when an invalidation overtook it and its result was not stored. */
  fenced: boolean;
  /** What the method threw or rejected with, set before the `error` event. */
  error?: unknown;
}

/** The name of the tracing channel of loads: `tracing:cachet:load:start`, `…:end`, `…:asyncStart`, `…:asyncEnd`, `…:error`. */
export const LOAD_TRACING_CHANNEL = 'cachet:load';

/** The tracing channel of loads, as `TracingChannel.traceSync` and `tracePromise` would publish it. */
export const loadTracing = tracingChannel<unknown, LoadContext>(LOAD_TRACING_CHANNEL);

/** Whether anyone subscribes to the load channels. */
export function tracingLoads(): boolean {
  return hasTracingSubscribers(loadTracing);
}

/**
 * Publishes the end of a traced load: its `error` when it failed, then `end` for a method that returned
 * a plain value or threw, `asyncStart` and `asyncEnd` once a promise settled (whose `end` was published
 * when the promise was returned).
 */
export function endLoadTrace(context: LoadContext, settledPromise: boolean, failed: boolean, error: unknown): void {
  if (failed) {
    context.error = error;
    loadTracing.error.publish(context);
  }
  if (settledPromise) {
    loadTracing.asyncStart.publish(context);
    loadTracing.asyncEnd.publish(context);
  } else {
    loadTracing.end.publish(context);
  }
}
