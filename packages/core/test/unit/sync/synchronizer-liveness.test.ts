import { CachingService, InProcessSynchronization, type SynchronizationStats, type SynchronizationTransport } from '@cachet/core';
import { FaultInjectingTransport, ManualScheduler } from '@cachet/core/testing';
import { SequenceTracker } from '../../../src/sync/sequence-tracker';

const INTERVAL = 1000;

/** Services on one bus, on fake time: heartbeat interval 1 s, timeout 2 s (the defaults' ratio). */
class FakeTimeFarm {
  readonly scheduler = new ManualScheduler();
  readonly services: CachingService[] = [];

  async add(transport: SynchronizationTransport): Promise<CachingService> {
    const service = CachingService.create({ synchronization: { transport, heartbeatIntervalMs: INTERVAL, scheduler: this.scheduler } });
    this.services.push(service);
    const initialized = service.initialize();
    await this.scheduler.advance(0);
    await initialized;
    return service;
  }

  sync(service: CachingService): SynchronizationStats {
    return service.stats().sync as SynchronizationStats;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.services.splice(0).map((service) => service.dispose()));
  }
}

describe('Synchronizer: liveness and loss detection on fake time', () => {
  let farm: FakeTimeFarm;
  beforeEach(() => (farm = new FakeTimeFarm()));
  afterEach(() => farm.dispose());

  it('an idle farm sends nothing shared: each instance receives only its own probes, one per interval', async () => {
    const bus = new InProcessSynchronization();
    const services = [await farm.add(bus), await farm.add(bus), await farm.add(bus)];
    await farm.scheduler.advance(10 * INTERVAL);
    for (const service of services) {
      const sync = farm.sync(service);
      expect(sync.received).toBe(sync.echoes);
      expect(sync.echoes).toBeGreaterThanOrEqual(10);
      expect(sync.echoes).toBeLessThanOrEqual(12);
      expect(sync).toMatchObject({ state: 'up', published: 0, gaps: 0 });
    }
  });

  it('after an interval that carried invalidations, sends one shared heartbeat, then nothing shared again', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await farm.add(bus), await farm.add(bus)];
    await a.invalidateTags('product:1');
    await farm.scheduler.advance(INTERVAL);
    const fromA = (): number => farm.sync(b).received - farm.sync(b).echoes;
    expect(fromA()).toBe(2); // the invalidation and one heartbeat
    await farm.scheduler.advance(10 * INTERVAL);
    expect(fromA()).toBe(2);
    expect(farm.sync(a).published).toBe(2);
  });

  it('notices a lost last invalidation within one interval of it, by the shared heartbeat that follows', async () => {
    const bus = new InProcessSynchronization();
    const lossy = new FaultInjectingTransport(bus);
    const [a, b] = [await farm.add(bus), await farm.add(lossy)];
    await a.invalidateTags('product:0');
    await farm.scheduler.advance(INTERVAL); // b learns a's sequence
    lossy.loseIncoming(1);
    await a.invalidateTags('product:1');
    await farm.scheduler.advance(0);
    expect(farm.sync(b).gaps).toBe(0);
    await farm.scheduler.advance(INTERVAL);
    expect(farm.sync(b).gaps).toBe(1);
  });

  it('reports a silent link down within three intervals, replaces the connection, and is up again once it delivers', async () => {
    const link = new FaultInjectingTransport(new InProcessSynchronization());
    const a = await farm.add(link);
    const events: string[] = [];
    a.on('sync-down', () => events.push(`down at ${farm.scheduler.now()}`));
    a.on('sync-up', () => events.push(`up at ${farm.scheduler.now()}`));
    const silentFrom = farm.scheduler.now();
    link.loseIncoming(Number.MAX_SAFE_INTEGER);
    await farm.scheduler.advance(3 * INTERVAL);
    expect(events).toHaveLength(1);
    expect(Number(events[0]?.slice('down at '.length)) - silentFrom).toBeLessThanOrEqual(3 * INTERVAL);
    expect(farm.sync(a).reconnects).toBeGreaterThanOrEqual(1);
    link.loseIncoming(-Number.MAX_SAFE_INTEGER);
    await farm.scheduler.advance(3 * INTERVAL);
    expect(events.at(-1)).toMatch(/^up at /);
    expect(farm.sync(a)).toMatchObject({ state: 'up', gaps: 1 });
  });
});

describe('SequenceTracker', () => {
  it('keeps detecting gaps for 2,000 senders heard in turn', () => {
    const tracker = new SequenceTracker(10_000);
    const senders = Array.from({ length: 2000 }, (_, i) => `instance-${i}`);
    for (let round = 1; round <= 3; round++) for (const sender of senders) expect(tracker.observe(sender, round)).toBe(false);
    let gaps = 0;
    for (const sender of senders) if (tracker.observe(sender, 5)) gaps++;
    expect(gaps).toBe(2000);
  });

  it('forgets the least recently heard sender beyond its bound, never the active ones', () => {
    const tracker = new SequenceTracker(4);
    for (const sender of ['a', 'b', 'c', 'd']) tracker.observe(sender, 1);
    for (const sender of ['a', 'b', 'c']) tracker.observe(sender, 2);
    tracker.observe('e', 1); // d was heard least recently
    expect(tracker.size).toBe(4);
    expect(tracker.observe('a', 4)).toBe(true);
    expect(tracker.observe('d', 9)).toBe(false); // forgotten: a new baseline
  });

  it('lets a forged huge sequence cost one gap, and still detects a real jump after it', () => {
    const tracker = new SequenceTracker(100);
    tracker.observe('real', 1);
    expect(tracker.observe('real', Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(tracker.observe('real', 2)).toBe(false);
    expect(tracker.observe('real', 3)).toBe(false);
    expect(tracker.observe('real', 5)).toBe(true);
  });
});
