import { InProcessSynchronization, SynchronizationError } from '@cachet/core';
import { FaultInjectingTransport, nextEvent } from '@cachet/core/testing';
import { Instances } from './support/catalogue';
import { ControllableTransport } from './support/controllable-transport';
import { deferred, flushMicrotasks } from '../support/deferred';

const remote = (event: { source: string }): boolean => event.source === 'remote';

describe('Synchronizer: gaps, outages and liveness', () => {
  const instances = new Instances();
  afterEach(async () => {
    await instances.disposeAll();
    instances.db.clear();
  });

  describe('reported disconnections', () => {
    it('reports sync-down, then on restore a gap: clears the local cache and fences loads begun before it', async () => {
      const bus = new InProcessSynchronization();
      const link = new FaultInjectingTransport(bus);
      const a = await instances.create({ transport: link });
      instances.db.set(1, 'lamp');
      instances.db.set(2, 'desk');
      await a.catalogue.getProduct(1);
      const gate = deferred();
      a.catalogue.gate = gate;
      const inFlight = a.catalogue.getProduct(2);

      const down = nextEvent(a.service, 'sync-down');
      link.disconnect(new Error('socket closed'));
      expect((await down).reason.message).toBe('socket closed');
      expect(a.service.stats().sync?.state).toBe('down');
      expect(await a.catalogue.getProduct(1)).toBe('lamp'); // 'serve-local': local entries still served
      expect(a.catalogue.loads).toBe(2);

      const gap = nextEvent(a.service, 'gap');
      const up = nextEvent(a.service, 'sync-up');
      link.restore();
      expect(await gap).toMatchObject({ reason: 'disconnect' });
      await up;
      expect(a.service.stats()).toMatchObject({ entries: 0, sync: { state: 'up', gaps: 1 } });

      gate.resolve();
      expect(await inFlight).toBe('desk');
      expect(a.service.stats().entries).toBe(0); // the load began before the gap: not stored
      await a.catalogue.getProduct(2);
      expect(a.catalogue.loads).toBe(3);
    });

    it('counts one outage once, even when the transport reports down several times', async () => {
      const link = new FaultInjectingTransport(new InProcessSynchronization());
      const a = await instances.create({ transport: link });
      const downs: unknown[] = [];
      a.service.on('sync-down', (event) => downs.push(event));
      link.disconnect();
      link.disconnect();
      const gap = nextEvent(a.service, 'gap');
      link.restore();
      await gap;
      expect(downs).toHaveLength(1);
      expect(a.service.stats().sync?.gaps).toBe(1);
    });

    it("with 'bypass', runs cached methods uncached while down and caches again after the gap", async () => {
      const link = new FaultInjectingTransport(new InProcessSynchronization());
      const a = await instances.create({ transport: link, whileDisconnected: 'bypass' });
      instances.db.set(1, 'lamp');
      await a.catalogue.getProduct(1);
      const down = nextEvent(a.service, 'sync-down');
      link.disconnect();
      await down;
      await a.catalogue.getProduct(1);
      await a.catalogue.getProduct(1);
      expect(await a.service.getOrSet('report', () => 'uncached')).toBe('uncached');
      expect(await a.service.getOrSet('report', () => 'still uncached')).toBe('still uncached');
      expect(a.catalogue.loads).toBe(3);

      const gap = nextEvent(a.service, 'gap');
      link.restore();
      await gap;
      await a.catalogue.getProduct(1);
      await a.catalogue.getProduct(1);
      expect(a.catalogue.loads).toBe(4);
    });

    it("with 'bypass', does not store a load that began before the outage and ends during it", async () => {
      const link = new FaultInjectingTransport(new InProcessSynchronization());
      const a = await instances.create({ transport: link, whileDisconnected: 'bypass' });
      instances.db.set(1, 'lamp');
      const gate = deferred();
      a.catalogue.gate = gate;
      const inFlight = a.catalogue.getProduct(1);
      const down = nextEvent(a.service, 'sync-down');
      link.disconnect();
      await down;
      gate.resolve();
      await inFlight;
      expect(a.service.stats().entries).toBe(0);
    });

    it('delivers invalidations made while cut off once the link is back', async () => {
      const bus = new InProcessSynchronization();
      const link = new FaultInjectingTransport(bus);
      const a = await instances.create({ transport: link });
      const b = await instances.create({ transport: bus });
      instances.db.set(1, 'lamp');
      await b.catalogue.getProduct(1);

      const receivedBefore = b.service.stats().sync?.received;
      const down = nextEvent(a.service, 'sync-down');
      link.disconnect();
      await down;
      await a.catalogue.updateProduct(1, 'desk lamp');
      await a.service.invalidateTags('product:9');
      await flushMicrotasks();
      expect(b.service.stats().sync?.received).toBe(receivedBefore);
      expect(await b.catalogue.getProduct(1)).toBe('lamp'); // b cannot know yet

      const delivered = nextEvent(b.service, 'invalidate', (event) => remote(event) && event.keys.length > 0);
      link.restore();
      await delivered;
      expect(await b.catalogue.getProduct(1)).toBe('desk lamp');
      expect(a.service.stats().sync?.publishFailures).toBe(0);
    });

    it('reports, at dispose, invalidations still waiting for a link that did not come back', async () => {
      const link = new FaultInjectingTransport(new InProcessSynchronization());
      const a = await instances.create({ transport: link, disposeTimeoutMs: 10 });
      const down = nextEvent(a.service, 'sync-down');
      link.disconnect();
      await down;
      await a.service.invalidateTags('t');
      const reported = nextEvent(a.service, 'error', (event) => event.operation === 'publish');
      await a.service.dispose();
      const { error } = await reported;
      expect(error).toBeInstanceOf(SynchronizationError);
      expect(error).toMatchObject({ code: 'E_SYNC_PUBLISH' });
      expect(a.service.stats().sync?.publishFailures).toBe(1);
    });
  });

  describe('publishes that fail without the link being reported down', () => {
    it('retries, then reports an E_SYNC_PUBLISH error; receivers of an ordered bus see the sequence gap', async () => {
      const bus = new InProcessSynchronization();
      const flaky = new ControllableTransport(bus);
      const a = await instances.create({ transport: flaky, publishAttempts: 3, initialRetryDelayMs: 1, maxRetryDelayMs: 2 });
      const b = await instances.create({ transport: bus });
      instances.db.set(1, 'lamp');
      await b.catalogue.getProduct(1);
      const warmUp = nextEvent(b.service, 'invalidate', remote);
      await a.service.invalidateTags('warm-up'); // b learns a's sequence
      await warmUp;

      flaky.publishes = 'reject';
      const reported = nextEvent(a.service, 'error', (event) => event.operation === 'publish', 1000);
      await a.catalogue.updateProduct(1, 'desk lamp');
      const { error } = await reported;
      expect(error).toMatchObject({ code: 'E_SYNC_PUBLISH', transport: 'controllable' });
      expect((error as Error).message).toContain('3 attempts');
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(a.service.stats().sync).toMatchObject({ publishFailures: 1, published: 1 });

      // The next message that gets through carries a later sequence number: b knows it missed one.
      flaky.publishes = 'deliver';
      const gap = nextEvent(b.service, 'gap', () => true, 1000);
      await a.service.invalidateTags('unrelated');
      expect(await gap).toMatchObject({ reason: 'sequence' });
      expect(await b.catalogue.getProduct(1)).toBe('desk lamp');
    });
  });

  describe('lost messages on an ordered bus', () => {
    it('detects a sequence gap, reports it and clears the cache', async () => {
      const bus = new InProcessSynchronization();
      const lossy = new FaultInjectingTransport(bus);
      const a = await instances.create({ transport: bus });
      const b = await instances.create({ transport: lossy });
      for (const id of [1, 2, 3]) instances.db.set(id, `product ${id}`);
      for (const id of [1, 2, 3]) await b.catalogue.getProduct(id);

      const first = nextEvent(b.service, 'invalidate', remote);
      await a.service.invalidateTags('product:3'); // seen: b now knows a's sequence
      await first;
      lossy.loseIncoming(1);
      await a.catalogue.updateProduct(1, 'changed'); // lost on the way to b
      await flushMicrotasks();
      expect(await b.catalogue.getProduct(1)).toBe('product 1'); // stale: b cannot know yet

      const gap = nextEvent(b.service, 'gap');
      await a.service.invalidateTags('product:99');
      expect(await gap).toMatchObject({ reason: 'sequence' });
      expect(b.service.stats()).toMatchObject({ entries: 0, sync: { gaps: 1 } });
      expect(await b.catalogue.getProduct(1)).toBe('changed');
    });

    it('detects a lost last message through the sender\'s next heartbeat', async () => {
      const bus = new InProcessSynchronization();
      const lossy = new FaultInjectingTransport(bus);
      const a = await instances.create({ transport: bus, heartbeatIntervalMs: 20 });
      const b = await instances.create({ transport: lossy });
      instances.db.set(1, 'lamp');
      await b.catalogue.getProduct(1);
      const first = nextEvent(b.service, 'invalidate', remote);
      await a.service.invalidateTags('warm-up');
      await first;

      lossy.loseIncoming(1);
      const gap = nextEvent(b.service, 'gap');
      await a.catalogue.updateProduct(1, 'desk lamp'); // lost; a publishes nothing else but heartbeats
      expect(await gap).toMatchObject({ reason: 'sequence' });
      expect(await b.catalogue.getProduct(1)).toBe('desk lamp');
    });
  });
});
