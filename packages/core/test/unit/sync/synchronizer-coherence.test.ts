import { CachingService, InProcessSynchronization, SynchronizationError } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { encodeEnvelope, ENVELOPE_FORMAT_VERSION } from '../../../src/sync/envelope-codec';
import { Instances } from './support/catalogue';
import { ControllableTransport, UnreachableTransport } from './support/controllable-transport';
import { deferred, flushMicrotasks } from '../support/deferred';

const remote = (event: { source: string }): boolean => event.source === 'remote';

describe('Synchronizer: coherence between services', () => {
  const instances = new Instances();
  afterEach(async () => {
    await instances.disposeAll();
    instances.db.clear();
  });

  it('keeps two services coherent on keys', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    instances.db.set(1, 'lamp');
    expect(await a.catalogue.getProduct(1)).toBe('lamp');
    expect(await b.catalogue.getProduct(1)).toBe('lamp');

    const delivered = nextEvent(a.service, 'invalidate', remote);
    await b.catalogue.updateProduct(1, 'desk lamp');
    await delivered;
    expect(await a.catalogue.getProduct(1)).toBe('desk lamp');
    expect(await b.catalogue.getProduct(1)).toBe('desk lamp');
    expect([a.catalogue.loads, b.catalogue.loads]).toEqual([2, 2]);
  });

  it('keeps three services coherent on keys, tags and clear', async () => {
    const bus = new InProcessSynchronization();
    const all = [await instances.create({ transport: bus }), await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    const [a, b, c] = all;
    if (a === undefined || b === undefined || c === undefined) throw new Error('three instances expected');
    const fill = async (): Promise<void> => {
      for (const { catalogue } of all) for (const id of [1, 2, 3]) await catalogue.getProduct(id);
    };
    const entries = (): number[] => all.map(({ service }) => service.stats().entries);
    const deliveredToOthers = (sender: typeof a): Promise<unknown> =>
      Promise.all(all.filter((other) => other !== sender).map(({ service }) => nextEvent(service, 'invalidate', remote)));

    await fill();
    expect(entries()).toEqual([3, 3, 3]);

    let delivered = deliveredToOthers(a);
    await a.service.invalidate(() => a.catalogue.getProduct(1));
    await delivered;
    expect(entries()).toEqual([2, 2, 2]);

    delivered = deliveredToOthers(b);
    await b.service.invalidateTags('product:2');
    await delivered;
    expect(entries()).toEqual([1, 1, 1]);

    await fill();
    delivered = deliveredToOthers(c);
    await c.service.clear();
    await delivered;
    expect(entries()).toEqual([0, 0, 0]);
  });

  it('publishes an invalidation made right after the previous one was delivered', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    for (let round = 0; round < 5; round++) {
      const delivered = nextEvent(b.service, 'invalidate', (event) => remote(event) && event.dependencies.includes(`t${round}`), 1000);
      await a.service.invalidateTags(`t${round}`);
      await delivered;
    }
  });

  it('never publishes a fill after a miss', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    for (let id = 0; id < 10; id++) await a.catalogue.getProduct(id);
    await a.service.getOrSet('report', () => 'fresh');
    await flushMicrotasks();
    expect(a.service.stats().sync?.published).toBe(0);
    // Each received only its own probes back.
    for (const { service } of [a, b]) expect(service.stats().sync).toMatchObject({ applied: 0, received: service.stats().sync?.echoes });
  });

  it('ignores its own echo, but counts it', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    const sources: string[] = [];
    a.service.on('invalidate', (event) => sources.push(event.source));
    const delivered = nextEvent(b.service, 'invalidate', remote);
    await a.service.invalidateTags('product:1');
    await delivered;
    await flushMicrotasks();
    expect(sources).toEqual(['local']);
    // Each also received its first probe back, at initialize(); probes reach no other instance.
    expect(a.service.stats().sync).toMatchObject({ published: 1, received: 2, echoes: 2, applied: 0 });
    expect(b.service.stats().sync).toMatchObject({ published: 0, received: 2, echoes: 1, applied: 1 });
  });

  it('drops and counts messages of another namespace on the same bus', async () => {
    const bus = new InProcessSynchronization();
    const a = await instances.create({ transport: bus }, { namespace: 'shop' });
    const other = await instances.create({ transport: bus }, { namespace: 'billing' });
    instances.db.set(1, 'lamp');
    await a.catalogue.getProduct(1);
    const dropped = nextEvent(a.service, 'dropped-message');
    await other.service.clear();
    expect(await dropped).toEqual(expect.objectContaining({ reason: 'namespace' }));
    expect(a.service.stats().entries).toBe(1);
    expect(a.service.stats().sync?.dropped).toEqual({ foreign: 0, version: 0, corrupt: 0, namespace: 1, oversized: 0, unauthenticated: 0 });
  });

  it('drops and counts foreign, other-version and corrupt payloads without throwing, and keeps working', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    const stranger = await bus.connect({ message: () => undefined, down: () => undefined, up: () => undefined });
    const reasons: string[] = [];
    a.service.on('dropped-message', (event) => reasons.push(event.reason));
    const errors: unknown[] = [];
    a.service.on('error', (event) => errors.push(event.error));

    const valid = encodeEnvelope({ namespace: 'cachet', sender: 'x', sequence: 1, keys: ['k'], dependencies: [], all: false, heartbeat: false });
    const otherVersion = valid.replace(`cachet/${ENVELOPE_FORMAT_VERSION} `, 'cachet/99 ');
    const allDropped = nextEvent(a.service, 'dropped-message', () => reasons.length === 4);
    await stranger.publish('{"type":"invalidate","key":"k"}');
    await stranger.publish(otherVersion);
    await stranger.publish(`cachet/${ENVELOPE_FORMAT_VERSION} {{`);
    await stranger.publish(`cachet/${ENVELOPE_FORMAT_VERSION} {"n":"cachet","s":"x","q":"one"}`);
    await allDropped;
    expect(reasons).toEqual(['foreign', 'version', 'corrupt', 'corrupt']);
    expect(a.service.stats().sync?.dropped).toEqual({ foreign: 1, version: 1, corrupt: 2, namespace: 0, oversized: 0, unauthenticated: 0 });
    expect(errors).toEqual([]);

    instances.db.set(1, 'lamp');
    await a.catalogue.getProduct(1);
    const delivered = nextEvent(a.service, 'invalidate', remote);
    await b.catalogue.updateProduct(1, 'desk lamp');
    await delivered;
    expect(await a.catalogue.getProduct(1)).toBe('desk lamp');
    await stranger.close();
  });

  it('fences, on the receiving instance, an in-flight load of a key invalidated remotely', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    instances.db.set(1, 'old');
    const gate = deferred();
    a.catalogue.gate = gate;
    const slowLoad = a.catalogue.getProduct(1); // has read 'old', not yet returned

    const delivered = nextEvent(a.service, 'invalidate', remote);
    await b.catalogue.updateProduct(1, 'new');
    await delivered;
    const fenced = nextEvent(a.service, 'fenced');
    gate.resolve();
    expect(await slowLoad).toBe('old'); // its caller still gets what it loaded
    expect(await fenced).toEqual(expect.objectContaining({ key: expect.stringContaining('getProduct') }));
    expect(await a.catalogue.getProduct(1)).toBe('new');
    expect(a.service.stats().fenced).toBe(1);
  });

  it('fences an in-flight load whose tag is invalidated remotely', async () => {
    const bus = new InProcessSynchronization();
    const [a, b] = [await instances.create({ transport: bus }), await instances.create({ transport: bus })];
    instances.db.set(7, 'old');
    const gate = deferred();
    a.catalogue.gate = gate;
    const slowLoad = a.catalogue.getProduct(7);
    instances.db.set(7, 'new');
    const delivered = nextEvent(a.service, 'invalidate', remote);
    await b.service.invalidateTags('product:7');
    await delivered;
    gate.resolve();
    expect(await slowLoad).toBe('old');
    expect(await a.catalogue.getProduct(7)).toBe('new');
  });

  describe('lifecycle', () => {
    it('initialize resolves once subscribed: a publish right after it reaches the other service', async () => {
      const bus = new InProcessSynchronization();
      const a = CachingService.create({ synchronization: { transport: bus, heartbeatIntervalMs: 0 } });
      const b = CachingService.create({ synchronization: { transport: bus, heartbeatIntervalMs: 0 } });
      try {
        await Promise.all([a.initialize(), b.initialize()]);
        const delivered = nextEvent(b, 'invalidate', remote);
        await a.invalidateTags('t');
        expect(await delivered).toMatchObject({ dependencies: ['t'] });
        expect(b.stats().sync?.state).toBe('up');
      } finally {
        await Promise.all([a.dispose(), b.dispose()]);
      }
    });

    it('initialize is idempotent and connects once', async () => {
      let connects = 0;
      const bus = new InProcessSynchronization();
      const counting = { name: 'counting', connect: (listener: Parameters<InProcessSynchronization['connect']>[0]) => (connects++, bus.connect(listener)) };
      const service = CachingService.create({ synchronization: { transport: counting, heartbeatIntervalMs: 0 } });
      await Promise.all([service.initialize(), service.initialize()]);
      await service.initialize();
      expect(connects).toBe(1);
      await service.dispose();
    });

    it('dispose flushes publishes queued behind a slow bus before closing', async () => {
      const bus = new InProcessSynchronization();
      const slow = new ControllableTransport(bus);
      const a = await instances.create({ transport: slow });
      const b = await instances.create({ transport: bus });
      const received: string[][] = [];
      b.service.on('invalidate', (event) => received.push([...event.dependencies]));
      slow.publishes = 'reject'; // the first attempt fails; the retry and the queued batch go out during dispose
      const queued = [a.service.invalidateTags('t1'), a.service.invalidateTags('t2')];
      await flushMicrotasks();
      slow.publishes = 'deliver';
      await a.service.dispose();
      await Promise.all(queued);
      await flushMicrotasks();
      expect(received.flat().sort()).toEqual(['t1', 't2']);
      expect(a.service.stats().sync?.state).toBe('closed');
    });

    it('rejects initialize with E_SYNC_CONNECT when the transport cannot connect, and can be retried', async () => {
      const transport = new UnreachableTransport();
      const service = CachingService.create({ synchronization: { transport, heartbeatIntervalMs: 0 } });
      const error: unknown = await service.initialize().then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(SynchronizationError);
      expect(error).toMatchObject({ code: 'E_SYNC_CONNECT', transport: 'unreachable' });
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect((error as Error).cause).toBeInstanceOf(Error);
      await expect(service.initialize()).rejects.toMatchObject({ code: 'E_SYNC_CONNECT' });
      expect(transport.attempts).toBe(2);
      await service.dispose();
    });

    it('reports a failed lazy initialization as an error event instead of an unhandled rejection', async () => {
      const service = CachingService.create({ synchronization: { transport: new UnreachableTransport(), heartbeatIntervalMs: 0 } });
      const reported = nextEvent(service, 'error', (event) => event.operation === 'initialize');
      expect(await service.getOrSet('k', () => 'v')).toBe('v');
      expect((await reported).error).toMatchObject({ code: 'E_SYNC_CONNECT' });
      await service.dispose();
    });
  });
});
