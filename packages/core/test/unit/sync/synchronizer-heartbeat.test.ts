import { InProcessSynchronization } from '@cachet/core';
import { FaultInjectingTransport, nextEvent } from '@cachet/core/testing';
import { Instances } from './support/catalogue';
import { ControllableTransport } from './support/controllable-transport';

// Small intervals: each test awaits the 'sync-down' and 'gap' events the heartbeat produces.
const heartbeat = { heartbeatIntervalMs: 20, heartbeatTimeoutMs: 60 };

describe('Synchronizer: liveness by heartbeat', () => {
  const instances = new Instances();
  afterEach(async () => {
    await instances.disposeAll();
    instances.db.clear();
  });

  it('reports sync-down when its echoes stop coming back, and a gap when they return', async () => {
    const link = new FaultInjectingTransport(new InProcessSynchronization());
    const a = await instances.create({ transport: link, ...heartbeat });
    instances.db.set(1, 'lamp');
    await a.catalogue.getProduct(1);
    const down = nextEvent(a.service, 'sync-down');
    const gap = nextEvent(a.service, 'gap');

    link.loseIncoming(12); // about a dozen heartbeats: far longer than the timeout
    expect((await down).reason).toMatchObject({ code: 'E_SYNC_STALLED', message: expect.stringMatching(/nothing sent came back within 60 ms/) });
    expect(a.service.stats().sync?.state).toBe('down');
    expect(await a.catalogue.getProduct(1)).toBe('lamp'); // 'serve-local'

    expect(await gap).toMatchObject({ reason: 'heartbeat' });
    expect(a.service.stats()).toMatchObject({ entries: 0, sync: { state: 'up', gaps: 1 } });
  });

  it('reports sync-down when the bus accepts publishes but delivers nothing, and a gap once it delivers again', async () => {
    const swallowing = new ControllableTransport(new InProcessSynchronization());
    const a = await instances.create({ transport: swallowing, ...heartbeat });
    swallowing.publishes = 'swallow';
    const down = await nextEvent(a.service, 'sync-down');
    expect(down.reason).toMatchObject({ code: 'E_SYNC_STALLED' });
    const gap = nextEvent(a.service, 'gap');
    swallowing.publishes = 'deliver';
    expect(await gap).toMatchObject({ reason: 'heartbeat' });
  });

  it("with 'bypass', runs methods uncached while the heartbeat says down", async () => {
    const swallowing = new ControllableTransport(new InProcessSynchronization());
    const a = await instances.create({ transport: swallowing, whileDisconnected: 'bypass', ...heartbeat });
    instances.db.set(1, 'lamp');
    await a.catalogue.getProduct(1);
    swallowing.publishes = 'swallow';
    await nextEvent(a.service, 'sync-down');
    await a.catalogue.getProduct(1);
    await a.catalogue.getProduct(1);
    expect(a.catalogue.loads).toBe(3);
    const gap = nextEvent(a.service, 'gap');
    swallowing.publishes = 'deliver';
    await gap;
    await a.catalogue.getProduct(1);
    await a.catalogue.getProduct(1);
    expect(a.catalogue.loads).toBe(4);
  });

  it('detects an invalidation whose own echo never came back', async () => {
    const swallowing = new ControllableTransport(new InProcessSynchronization());
    const a = await instances.create({ transport: swallowing, heartbeatIntervalMs: 20, heartbeatTimeoutMs: 60 });
    swallowing.publishes = 'swallow';
    await a.service.invalidateTags('t');
    const down = await nextEvent(a.service, 'sync-down');
    expect(down.reason).toMatchObject({ code: 'E_SYNC_STALLED' });
  });

  it('keeps the link up when the transport confirms each publish only after delivering its echo, as Redis does', async () => {
    const confirming = new ControllableTransport(new InProcessSynchronization());
    confirming.publishes = 'confirm-after-echo';
    // A timeout shorter than two intervals: an echo overlooked because it came before the confirmation
    // would be taken for missing at the second tick.
    const a = await instances.create({ transport: confirming, heartbeatIntervalMs: 20, heartbeatTimeoutMs: 30 });
    const downs: unknown[] = [];
    a.service.on('sync-down', (event) => downs.push(event));

    await a.service.invalidateTags('t');
    await confirming.whenConfirmed(2); // the invalidation and the shared heartbeat after it

    expect(downs).toEqual([]);
    expect(a.service.stats().sync).toMatchObject({ state: 'up', gaps: 0 });
  });
});
