import { type Attributes, type Counter, type Meter, type ObservableGauge, ValueType } from '@opentelemetry/api';
import { type CachingEvents, type CachingService, LOAD_TRACING_CHANNEL, type LoadContext, PUBLISH_TRACING_CHANNEL, type PublishContext } from '@cachet/core';
import { ATTRIBUTES, errorType, originAttributes, withOrigin } from './attributes';
import type { ChannelSubscriptions } from './channel-subscriptions';
import { RequestTally, type RequestType } from './request-tally';
import type { ServiceRegistry } from './service-registry';

/** The names of the metrics this package records, for dashboards and tests. */
export const METRIC_NAMES = {
  requests: 'cache.requests',
  entries: 'cache.entries',
  evictions: 'cache.evictions',
  loads: 'cachet.loads',
  loadDuration: 'cachet.load.duration',
  invalidations: 'cachet.invalidations',
  propagationDelay: 'cachet.invalidation.propagation_delay',
  published: 'cachet.bus.messages.published',
  received: 'cachet.bus.messages.received',
  dropped: 'cachet.bus.messages.dropped',
  gaps: 'cachet.bus.gaps',
  linkUp: 'cachet.bus.link.up',
  linkDowns: 'cachet.bus.link.downs',
  l2LinkUp: 'cachet.l2.link.up',
  l2LinkDowns: 'cachet.l2.link.downs',
} as const;

/** The item counts of an invalidation by kind: one per key, one per tag or dependency, one per clear. */
function invalidationKinds(event: CachingEvents['invalidate']): [kind: 'key' | 'tag' | 'clear', count: number][] {
  if (event.all) return [['clear', 1]];
  const kinds: [kind: 'key' | 'tag', count: number][] = [];
  if (event.keys.length > 0) kinds.push(['key', event.keys.length]);
  if (event.dependencies.length > 0) kinds.push(['tag', event.dependencies.length]);
  return kinds;
}

/** Creates the instruments and feeds them from cachet's diagnostics channels. */
export function recordMetrics(meter: Meter, subscriptions: ChannelSubscriptions, services: ServiceRegistry): void {
  const requests = meter.createObservableCounter(METRIC_NAMES.requests, { description: 'Cache lookups, by cache.request.type (hit, miss; stale when a stale value is served).', unit: '{request}', valueType: ValueType.INT });
  const evictions = meter.createCounter(METRIC_NAMES.evictions, { description: 'Entries that left on their own: pushed out by the bound or found expired.', unit: '{entry}', valueType: ValueType.INT });
  const loads = meter.createCounter(METRIC_NAMES.loads, { description: 'Runs of a cached method after a miss or for a refresh (callers that join a running load are not counted).', unit: '{load}', valueType: ValueType.INT });
  const loadDuration = meter.createHistogram(METRIC_NAMES.loadDuration, { description: 'How long loads took, until their result was stored or fenced.', unit: 's' });
  const invalidations = meter.createCounter(METRIC_NAMES.invalidations, { description: 'Invalidations applied here, by source (local, remote) and kind (one per key, one per tag or dependency, one per clear).', unit: '{invalidation}', valueType: ValueType.INT });
  const propagationDelay = meter.createHistogram(METRIC_NAMES.propagationDelay, { description: "From the sender's publish to this instance's apply, on two machines' clocks (skew adds to it; below 0 reads as 0).", unit: 's' });
  const published = meter.createCounter(METRIC_NAMES.published, { description: 'Bus messages handed to the transport, with error.type when it refused one.', unit: '{message}', valueType: ValueType.INT });
  const received = meter.createCounter(METRIC_NAMES.received, { description: 'Bus messages accepted, by kind (invalidation, heartbeat, echo).', unit: '{message}', valueType: ValueType.INT });
  const dropped = meter.createCounter(METRIC_NAMES.dropped, { description: 'Bus messages dropped, by reason.', unit: '{message}', valueType: ValueType.INT });
  const gaps = meter.createCounter(METRIC_NAMES.gaps, { description: 'Times messages were or may have been missed, so the local cache was cleared, by reason.', unit: '{gap}', valueType: ValueType.INT });
  const linkDowns = meter.createCounter(METRIC_NAMES.linkDowns, { description: 'Times the bus link went down.', unit: '{outage}', valueType: ValueType.INT });
  const entries = meter.createObservableUpDownCounter(METRIC_NAMES.entries, { description: 'Entries held by the services of a namespace seen since instrumentation began.', unit: '{entry}', valueType: ValueType.INT });
  const linkUp = meter.createObservableGauge(METRIC_NAMES.linkUp, { description: "1 while the bus links of a namespace's synchronized services here are all up, 0 otherwise.", unit: '1', valueType: ValueType.INT });
  const l2LinkDowns = meter.createCounter(METRIC_NAMES.l2LinkDowns, { description: 'Times the link to the second level went down.', unit: '{outage}', valueType: ValueType.INT });
  const l2LinkUp = meter.createObservableGauge(METRIC_NAMES.l2LinkUp, { description: "1 while the second levels of a namespace's services here are all usable, 0 otherwise.", unit: '1', valueType: ValueType.INT });

  entries.addCallback((result) => {
    for (const [attributes, total] of services.byNamespace((service) => service.stats().entries, (sum, entries) => sum + entries)) result.observe(total, attributes);
  });
  /** `gauge` reads 1 for a namespace while every service of it with the link has it up (`state` 1), else 0. */
  const linkState = (gauge: ObservableGauge, state: (service: CachingService) => number | undefined): void =>
    gauge.addCallback((result) => {
      for (const [attributes, up] of services.byNamespace(state, Math.min)) result.observe(up, attributes);
    });
  linkState(linkUp, (service) => {
    const sync = service.stats().sync?.state;
    return sync === undefined || sync === 'closed' ? undefined : Number(sync === 'up');
  });
  linkState(l2LinkUp, (service) => {
    const l2 = service.stats().l2?.state;
    return l2 === undefined ? undefined : Number(l2 === 'up');
  });

  const tally = new RequestTally();
  requests.addCallback((result) => tally.forEach((value, attributes) => result.observe(value, attributes)));
  const request = (type: RequestType) => (event: CachingEvents['hit' | 'miss' | 'stale-served']) => {
    services.note(event.origin);
    tally.add(event.origin, type);
  };
  subscriptions.event('hit', request('hit'));
  subscriptions.event('miss', request('miss'));
  // A call answered by an expired value (fail-safe, throttle, timeouts); its lookup was also counted as a miss.
  subscriptions.event('stale-served', request('stale'));
  subscriptions.event('set', (event) => services.note(event.origin));
  subscriptions.event('evict', (event) => evictions.add(1, withOrigin(event.origin, { [ATTRIBUTES.evictionReason]: event.reason })));
  subscriptions.event('invalidate', (event) => {
    services.note(event.origin);
    for (const [kind, count] of invalidationKinds(event)) {
      invalidations.add(count, withOrigin(event.origin, { [ATTRIBUTES.invalidationSource]: event.source, [ATTRIBUTES.invalidationKind]: kind }));
    }
    if (event.sentAt !== undefined) propagationDelay.record(Math.max(0, Date.now() - event.sentAt) / 1000, originAttributes(event.origin));
  });
  subscriptions.event('message-received', (event) => {
    services.note(event.origin);
    received.add(1, withOrigin(event.origin, { [ATTRIBUTES.messageKind]: event.kind }));
  });
  subscriptions.event('dropped-message', (event) => dropped.add(1, withOrigin(event.origin, { [ATTRIBUTES.dropReason]: event.reason })));
  subscriptions.event('gap', (event) => gaps.add(1, withOrigin(event.origin, { [ATTRIBUTES.gapReason]: event.reason })));
  /** `counter` counts the outages that `name` reports. */
  const outages = (name: 'sync-down' | 'l2-down', counter: Counter): void =>
    subscriptions.event(name, (event) => {
      services.note(event.origin);
      counter.add(1, originAttributes(event.origin));
    });
  outages('sync-down', linkDowns);
  outages('l2-down', l2LinkDowns);

  const started = new WeakMap<LoadContext, number>();
  const loadEnded = (context: LoadContext): void => {
    const start = started.get(context);
    if (start === undefined) return;
    started.delete(context);
    const attributes: Attributes = withOrigin(context.origin, { [ATTRIBUTES.loadCause]: context.cause, [ATTRIBUTES.fenced]: context.fenced });
    if ('error' in context) attributes[ATTRIBUTES.errorType] = errorType(context.error);
    loads.add(1, attributes);
    loadDuration.record((performance.now() - start) / 1000, attributes);
  };
  subscriptions.tracing<LoadContext>(LOAD_TRACING_CHANNEL, {
    start: (context) => void started.set(context, performance.now()),
    end: (context) => context.async || loadEnded(context),
    asyncEnd: loadEnded,
  });

  const publishAttributes = (context: PublishContext): Attributes => ({ [ATTRIBUTES.namespace]: context.namespace, [ATTRIBUTES.transport]: context.transport, [ATTRIBUTES.messageKind]: context.kind });
  subscriptions.tracing<PublishContext>(PUBLISH_TRACING_CHANNEL, {
    asyncEnd: (context) => published.add(1, 'error' in context ? { ...publishAttributes(context), [ATTRIBUTES.errorType]: errorType(context.error) } : publishAttributes(context)),
  });
}
