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
  /** Set before `end` when the method returned a promise: the load then ends at `asyncEnd`. */
  async: boolean;
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

/** The method returned a promise: publishes `end` (its synchronous part is over), and the load goes on. */
export function returnedPromise(context: LoadContext): void {
  context.async = true;
  loadTracing.end.publish(context);
}

/**
 * Publishes the end of a traced load: its `error` when it failed, then `end` for a method that returned
 * a plain value or threw, `asyncStart` and `asyncEnd` once a promise settled (whose `end` was published
 * when the promise was returned).
 */
export function endLoadTrace(context: LoadContext, failed: boolean, error: unknown): void {
  if (failed) {
    context.error = error;
    loadTracing.error.publish(context);
  }
  if (context.async) {
    loadTracing.asyncStart.publish(context);
    loadTracing.asyncEnd.publish(context);
  } else {
    loadTracing.end.publish(context);
  }
}
