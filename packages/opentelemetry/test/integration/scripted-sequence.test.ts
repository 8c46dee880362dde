import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { Redis } from 'ioredis';
import { Cache, CachingService, InvalidateCache } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../../../redis/test/support/redis-url';
import { Telemetry } from '../support/telemetry';

/** A catalogue whose next load can be held until the test releases it. */
class Catalogue {
  private release: (() => void) | undefined;
  private held: Promise<void> | undefined;

  @Cache({ profile: 'hot' })
  async getProduct(id: number): Promise<string> {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) await held;
    return `product ${id}`;
  }

  @InvalidateCache('getProduct')
  async updateProduct(id: number): Promise<number> {
    return id;
  }

  /** Holds the next load until {@link Catalogue.releaseLoad}. */
  holdNextLoad(): void {
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  releaseLoad(): void {
    this.release?.();
  }
}

const SECRET_ID = 4242;
const shop = { 'cachet.namespace': 'shop', 'cachet.class': 'Catalogue', 'cachet.method': 'getProduct', 'cachet.profile': 'hot' };

describe('@cachet/opentelemetry on a scripted sequence over real Redis', () => {
  let telemetry: Telemetry;
  let services: CachingService[];
  let raw: Redis;
  let channel: string;

  beforeAll(() => assertRedisReachable());

  beforeEach(async () => {
    telemetry = new Telemetry();
    channel = uniqueChannel('otel');
    services = ['a', 'b'].map(() =>
      CachingService.create({ namespace: 'shop', profiles: { hot: { ttl: 60_000 } }, synchronization: { transport: new RedisSynchronization({ connection: REDIS_URL, channel }), heartbeatIntervalMs: 0 } }),
    );
    await Promise.all(services.map((service) => service.initialize()));
    raw = new Redis(REDIS_URL);
    raw.on('error', () => undefined);
  });

  afterEach(async () => {
    raw.disconnect();
    await Promise.all(services.map((service) => service.dispose()));
    await telemetry.shutdown();
  });

  it('records requests, loads, a fenced load, a remote invalidation, drops and a gap, with their attributes and never a key', async () => {
    const [a, b] = services as [CachingService, CachingService];
    const onA = a.bind(new Catalogue());
    const onB = b.bind(new Catalogue());

    // A miss inside the caller's span, then a hit.
    const caller = telemetry.tracerProvider.getTracer('test');
    await caller.startActiveSpan('GET /products/:id', async (span) => {
      await onA.getProduct(SECRET_ID);
      span.end();
    });
    await onA.getProduct(SECRET_ID);

    // A load on A overtaken by an invalidation from B, over Redis: fenced.
    onA.holdNextLoad();
    const fencedLoad = onA.getProduct(7);
    const applied = nextEvent(a, 'invalidate', (event) => event.source === 'remote');
    await onB.updateProduct(7);
    await applied;
    onA.releaseLoad();
    await fencedLoad;

    // A foreign message is dropped; a sender whose sequence jumps is a gap, on both instances.
    const dropsAndGaps = services.flatMap((service) => [nextEvent(service, 'dropped-message'), nextEvent(service, 'gap')]);
    await raw.publish(channel, 'hello');
    const forged = (sequence: number): string => `cachet/2 {"n":"shop","s":"00000000-0000-4000-8000-000000000000","q":${sequence},"h":1}`;
    await raw.publish(channel, forged(1));
    await raw.publish(channel, forged(3));
    await Promise.all(dropsAndGaps);

    expect(await telemetry.values('cache.requests')).toEqual(
      expect.arrayContaining([
        [{ ...shop, 'cache.request.type': 'hit' }, 1],
        [{ ...shop, 'cache.request.type': 'miss' }, 2],
      ]),
    );
    expect(await telemetry.values('cachet.loads')).toEqual(
      expect.arrayContaining([
        [{ ...shop, 'cachet.load.cause': 'miss', 'cachet.load.fenced': false }, 1],
        [{ ...shop, 'cachet.load.cause': 'miss', 'cachet.load.fenced': true }, 1],
      ]),
    );
    const durations = await telemetry.points('cachet.load.duration');
    expect(durations.map((point) => (point.value as Histogram).count)).toEqual([1, 1]);
    expect(await telemetry.values('cachet.invalidations')).toEqual(
      expect.arrayContaining([
        [{ 'cachet.namespace': 'shop', 'cachet.invalidation.source': 'local', 'cachet.invalidation.kind': 'key' }, 1],
        [{ 'cachet.namespace': 'shop', 'cachet.invalidation.source': 'remote', 'cachet.invalidation.kind': 'key' }, 1],
      ]),
    );
    const [delay, ...noOtherDelay] = await telemetry.points('cachet.invalidation.propagation_delay');
    expect(noOtherDelay).toEqual([]);
    expect(delay?.attributes).toEqual({ 'cachet.namespace': 'shop' });
    expect((delay?.value as Histogram).count).toBe(1);
    expect((delay?.value as Histogram).min).toBeGreaterThanOrEqual(0);
    expect(await telemetry.values('cachet.bus.messages.published')).toEqual(
      expect.arrayContaining([[{ 'cachet.namespace': 'shop', 'cachet.transport': 'redis', 'cachet.message.kind': 'invalidation' }, 1]]),
    );
    expect(await telemetry.values('cachet.bus.messages.received')).toEqual(
      expect.arrayContaining([
        [{ 'cachet.namespace': 'shop', 'cachet.message.kind': 'invalidation' }, 1],
        [{ 'cachet.namespace': 'shop', 'cachet.message.kind': 'heartbeat' }, 4], // the forged ones, on both
        [{ 'cachet.namespace': 'shop', 'cachet.message.kind': 'echo' }, expect.any(Number)],
      ]),
    );
    expect(await telemetry.values('cachet.bus.messages.dropped')).toEqual([[{ 'cachet.namespace': 'shop', 'cachet.drop.reason': 'foreign' }, 2]]);
    expect(await telemetry.values('cachet.bus.gaps')).toEqual([[{ 'cachet.namespace': 'shop', 'cachet.gap.reason': 'sequence' }, 2]]);
    // Per namespace: both services' links up; the gap emptied both caches, then nothing was stored.
    expect(await telemetry.values('cachet.bus.link.up')).toEqual([[{ 'cachet.namespace': 'shop' }, 1]]);
    expect(await telemetry.values('cache.entries')).toEqual([[{ 'cachet.namespace': 'shop' }, 0]]);
    expect(await telemetry.values('cachet.bus.link.downs')).toEqual([]);

    // Spans: the loads (the first a child of the caller's span), the publish, the remote invalidation applied.
    const [request] = telemetry.spans('GET ');
    const loads = telemetry.spans('cachet.load ');
    expect(loads.map((span) => [span.name, span.kind, span.attributes])).toEqual([
      ['cachet.load Catalogue.getProduct', SpanKind.INTERNAL, { ...shop, 'cache.request.type': 'miss', 'cachet.load.cause': 'miss', 'cachet.load.fenced': false }],
      ['cachet.load Catalogue.getProduct', SpanKind.INTERNAL, { ...shop, 'cache.request.type': 'miss', 'cachet.load.cause': 'miss', 'cachet.load.fenced': true }],
    ]);
    expect(loads[0]?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(loads[1]?.parentSpanContext).toBeUndefined();
    const publishes = telemetry.spans('cachet.publish');
    expect(publishes.map((span) => [span.name, span.kind, span.status.code, span.attributes])).toEqual([
      ['cachet.publish redis', SpanKind.PRODUCER, SpanStatusCode.UNSET, { 'cachet.namespace': 'shop', 'cachet.transport': 'redis', 'cachet.message.kind': 'invalidation' }],
    ]);
    expect(telemetry.spans('cachet.invalidation.apply').map((span) => [span.kind, span.attributes])).toEqual([
      [SpanKind.CONSUMER, { 'cachet.namespace': 'shop', 'cachet.invalidation.kind': 'key', 'cachet.invalidation.removed': 0 }],
    ]);

    // Nothing recorded holds a key or an argument value.
    const recorded = JSON.stringify([telemetry.metricExporter.getMetrics(), telemetry.spanExporter.getFinishedSpans().map((span) => [span.name, span.attributes])]);
    expect(recorded).not.toContain('getProduct(');
    expect(recorded).not.toContain(`${SECRET_ID}`);
    expect(recorded).not.toContain('shop:');

    // Entries are summed over the namespace's services.
    await onA.getProduct(1);
    await onB.getProduct(1);
    expect(await telemetry.values('cache.entries')).toEqual([[{ 'cachet.namespace': 'shop' }, 2]]);
  });
});
