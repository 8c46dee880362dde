import { hasSubscribers } from 'node:diagnostics_channel';
import { SpanStatusCode } from '@opentelemetry/api';
import { Cache, CachingService, diagnosticsChannelNames, InProcessSynchronization, MemoryBackend } from '@cachet/core';
import { FaultInjectingTransport, ManualScheduler, MemorySecondLevel, nextEvent } from '@cachet/core/testing';
import { METRIC_NAMES, SPAN_NAMES } from '@cachet/opentelemetry';
import { Telemetry } from '../support/telemetry';

class Reports {
  @Cache()
  async broken(): Promise<string> {
    throw new RangeError('report 17 is out of range');
  }

  @Cache()
  label(id: number): string {
    return `label ${id}`;
  }
}

class Prices {
  down = false;
  private version = 0;

  @Cache({ ttl: 1_000, failSafe: { maxStale: 60_000 } })
  async price(sku: string): Promise<number> {
    if (this.down) throw new Error(`database down (${sku})`);
    return ++this.version;
  }
}

let telemetry: Telemetry;
let service: CachingService;

beforeEach(() => {
  telemetry = new Telemetry();
  service = CachingService.create({ namespace: 'reports', backend: new MemoryBackend({ maxEntries: 2 }) });
});

afterEach(async () => {
  await service.dispose();
  await telemetry.shutdown();
});

describe('instrumentCachet', () => {
  it('records a failed load with the type of its error only, on its span and its metrics', async () => {
    await expect(service.bind(new Reports()).broken()).rejects.toThrow(RangeError);
    const [span] = telemetry.spans(SPAN_NAMES.load);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('RangeError');
    expect(span?.events).toEqual([]);
    expect(await telemetry.values(METRIC_NAMES.loads)).toEqual([[expect.objectContaining({ 'error.type': 'RangeError', 'cachet.load.fenced': false }), 1]]);
    expect(JSON.stringify(telemetry.spanExporter.getFinishedSpans().map((finished) => finished.attributes))).not.toContain('out of range');
  });

  it('names getOrSet loads without a class or method, and counts evictions by reason', async () => {
    await service.getOrSet('a', () => 1);
    await service.getOrSet('b', () => 2);
    await service.getOrSet('c', () => 3);
    expect(telemetry.spans(SPAN_NAMES.load).map((span) => span.name)).toEqual(['cachet.load getOrSet', 'cachet.load getOrSet', 'cachet.load getOrSet']);
    expect(await telemetry.values(METRIC_NAMES.requests)).toEqual([[{ 'cachet.namespace': 'reports', 'cachet.profile': 'default', 'cache.request.type': 'miss' }, 3]]);
    expect(await telemetry.values(METRIC_NAMES.evictions)).toEqual([[{ 'cachet.namespace': 'reports', 'cachet.eviction.reason': 'capacity' }, 1]]);
  });

  it('counts a refresh as a load with its cause, and clears and tags as invalidations of their kind', async () => {
    const reports = service.bind(new Reports());
    await service.refresh(() => reports.label(1));
    await service.invalidateTags('a', 'b');
    await service.clear();
    expect(await telemetry.values(METRIC_NAMES.loads)).toEqual([[expect.objectContaining({ 'cachet.load.cause': 'refresh' }), 1]]);
    expect(await telemetry.values(METRIC_NAMES.invalidations)).toEqual([
      [{ 'cachet.namespace': 'reports', 'cachet.invalidation.source': 'local', 'cachet.invalidation.kind': 'tag' }, 2],
      [{ 'cachet.namespace': 'reports', 'cachet.invalidation.source': 'local', 'cachet.invalidation.kind': 'clear' }, 1],
    ]);
  });

  it('counts a call answered by an expired value as a stale request, beside the miss of its lookup', async () => {
    const scheduler = new ManualScheduler();
    const resilient = CachingService.create({ namespace: 'prices', scheduler, backend: new MemoryBackend({ clock: () => scheduler.now() }) });
    const prices = resilient.bind(new Prices());
    try {
      expect(await prices.price('a')).toBe(1);
      scheduler.advance(2_000);
      prices.down = true;
      expect(await prices.price('a')).toBe(1);
      const origin = { 'cachet.namespace': 'prices', 'cachet.profile': 'default', 'cachet.class': 'Prices', 'cachet.method': 'price' };
      expect(await telemetry.values(METRIC_NAMES.requests)).toEqual([
        [{ ...origin, 'cache.request.type': 'miss' }, 2],
        [{ ...origin, 'cache.request.type': 'stale' }, 1],
      ]);
    } finally {
      await resilient.dispose();
    }
  });

  it('reports the link going down and its state', async () => {
    const transport = new FaultInjectingTransport(new InProcessSynchronization());
    const synchronized = CachingService.create({ namespace: 'linked', synchronization: { transport, heartbeatIntervalMs: 0 } });
    await synchronized.initialize();
    await synchronized.getOrSet('k', () => 1);
    const down = nextEvent(synchronized, 'sync-down');
    transport.disconnect();
    await down;
    expect(await telemetry.values(METRIC_NAMES.linkDowns)).toEqual([[{ 'cachet.namespace': 'linked' }, 1]]);
    expect(await telemetry.values(METRIC_NAMES.linkUp)).toEqual([[{ 'cachet.namespace': 'linked' }, 0]]);
    await synchronized.dispose();
  });

  it('reports the second level going down and its state', async () => {
    const store = new MemorySecondLevel();
    const layered = CachingService.create({ namespace: 'layered', l2: store });
    await layered.initialize();
    await layered.getOrSet('k', async () => 1);
    expect(await telemetry.values(METRIC_NAMES.l2LinkUp)).toEqual([[{ 'cachet.namespace': 'layered' }, 1]]);
    const down = nextEvent(layered, 'l2-down');
    store.setAvailable(false);
    await down;
    expect(await telemetry.values(METRIC_NAMES.l2LinkDowns)).toEqual([[{ 'cachet.namespace': 'layered' }, 1]]);
    expect(await telemetry.values(METRIC_NAMES.l2LinkUp)).toEqual([[{ 'cachet.namespace': 'layered' }, 0]]);
    const up = nextEvent(layered, 'l2-up');
    store.setAvailable(true);
    await up;
    expect(await telemetry.values(METRIC_NAMES.l2LinkUp)).toEqual([[{ 'cachet.namespace': 'layered' }, 1]]);
    await layered.dispose();
  });

  it('unsubscribes when stopped, so that core publishes nothing again', async () => {
    expect(hasSubscribers(diagnosticsChannelNames.hit)).toBe(true);
    telemetry.stop();
    expect(hasSubscribers(diagnosticsChannelNames.hit)).toBe(false);
    expect(hasSubscribers('tracing:cachet:load:start')).toBe(false);
    await service.getOrSet('a', () => 1);
    expect(await telemetry.values(METRIC_NAMES.requests)).toEqual([]);
  });
});
