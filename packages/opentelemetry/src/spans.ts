import { context as otelContext, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { LOAD_TRACING_CHANNEL, type LoadContext, PUBLISH_TRACING_CHANNEL, type PublishContext } from '@cachet/core';
import { ATTRIBUTES, errorType, withOrigin } from './attributes';
import type { ChannelSubscriptions } from './channel-subscriptions';

/** The names of the spans this package starts. */
export const SPAN_NAMES = {
  /** `cachet.load Class.method` (or `cachet.load getOrSet`). */
  load: 'cachet.load',
  /** `cachet.publish <transport>`. */
  publish: 'cachet.publish',
  /** `cachet.invalidation.apply`. */
  remoteInvalidation: 'cachet.invalidation.apply',
} as const;

/** Ends a span, marking it failed (with the error's type, never its message) when `error` is given. */
function finish(span: Span, failed: boolean, error: unknown): void {
  if (failed) {
    span.setAttribute(ATTRIBUTES.errorType, errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** Starts spans from cachet's tracing channels: one per load, one per bus publish, one per remote invalidation applied. */
export function recordSpans(tracer: Tracer, subscriptions: ChannelSubscriptions): void {
  const loads = new WeakMap<LoadContext, Span>();
  const endLoad = (context: LoadContext): void => {
    const span = loads.get(context);
    if (span === undefined) return;
    loads.delete(context);
    span.setAttribute(ATTRIBUTES.fenced, context.fenced);
    finish(span, 'error' in context, context.error);
  };
  subscriptions.tracing<LoadContext>(LOAD_TRACING_CHANNEL, {
    // Published synchronously in the caller's call: the active span is the caller's.
    start: (context) => {
      const { className, methodName } = context.origin;
      const target = className === undefined ? 'getOrSet' : `${className}.${methodName ?? ''}`;
      const attributes = withOrigin(context.origin, { [ATTRIBUTES.requestType]: 'miss', [ATTRIBUTES.loadCause]: context.cause });
      loads.set(context, tracer.startSpan(`${SPAN_NAMES.load} ${target}`, { kind: SpanKind.INTERNAL, attributes }, otelContext.active()));
    },
    end: (context) => context.async || endLoad(context),
    asyncEnd: endLoad,
  });

  const publishes = new WeakMap<PublishContext, Span>();
  subscriptions.tracing<PublishContext>(PUBLISH_TRACING_CHANNEL, {
    start: (context) => {
      const attributes = { [ATTRIBUTES.namespace]: context.namespace, [ATTRIBUTES.transport]: context.transport, [ATTRIBUTES.messageKind]: context.kind };
      publishes.set(context, tracer.startSpan(`${SPAN_NAMES.publish} ${context.transport}`, { kind: SpanKind.PRODUCER, attributes }, otelContext.active()));
    },
    asyncEnd: (context) => {
      const span = publishes.get(context);
      publishes.delete(context);
      if (span !== undefined) finish(span, 'error' in context, context.error);
    },
  });

  subscriptions.event('invalidate', (event) => {
    if (event.source !== 'remote') return;
    const attributes = withOrigin(event.origin, {
      [ATTRIBUTES.invalidationKind]: event.all ? 'clear' : event.keys.length > 0 ? 'key' : 'tag',
      [ATTRIBUTES.removed]: event.removed,
    });
    // The event comes once the invalidation is applied: the span marks that moment; a message from the bus has no parent here.
    tracer.startSpan(SPAN_NAMES.remoteInvalidation, { kind: SpanKind.CONSUMER, attributes, root: true }).end();
  });
}
