import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';

/** Whether any of a tracing channel's five channels has a subscriber (`TracingChannel.hasSubscribers` is missing before Node 20.13). */
export function hasTracingSubscribers(tracing: TracingChannel<unknown, object>): boolean {
  const { start, end, asyncStart, asyncEnd, error } = tracing;
  return start.hasSubscribers || end.hasSubscribers || asyncStart.hasSubscribers || asyncEnd.hasSubscribers || error.hasSubscribers;
}

/** What the `cachet:publish` tracing channel carries about one bus message handed to the transport. */
export interface PublishContext {
  /** The namespace of the service that sends it. */
  readonly namespace: string;
  /** The transport's name (`redis`, `postgres`…). */
  readonly transport: string;
  /** Invalidations, or a shared heartbeat. A retry is traced again, as another publish. */
  readonly kind: 'invalidation' | 'heartbeat';
  /** Set before the `error` event when the transport refused the message. */
  error?: unknown;
}

/** The name of the tracing channel of bus publishes: `tracing:cachet:publish:start`, `…:asyncEnd`, `…:error`… */
export const PUBLISH_TRACING_CHANNEL = 'cachet:publish';

/** The tracing channel of bus publishes, published by `TracingChannel.tracePromise`. */
export const publishTracing = tracingChannel<unknown, PublishContext>(PUBLISH_TRACING_CHANNEL);
