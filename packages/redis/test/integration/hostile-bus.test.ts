import { CachingService, MemoryBackend, type SynchronizationTransport } from '@cachet/core';
import { MAX_PAYLOAD_BYTES, RedisSynchronization } from '@cachet/redis';
import { useSpiedChannel } from '../support/bus-spy';
import { bodyOf, drops, forge, HEADER, sign, STRANGER } from '../support/forgery';
import { Inventory } from '../support/inventory';
import { REDIS_URL } from '../support/redis-url';
import { eventually, invalidateAcross as invalidate, nextEvent, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';

/** Heartbeats every minute: no probe echo lands in the middle of a test that counts echoes. */
const QUIET = { heartbeatIntervalMs: 60_000 };
/** The key of the signed case. */
const KEY = 'a signing key of more than thirty-two bytes';

const bus = useSpiedChannel('hostile');

function start(count: number, sync: object = {}): Promise<Instance[]> {
  return startInstances(count, bus.store, { connection: REDIS_URL, channel: bus.channel, sync: { ...QUIET, ...sync } });
}

/** `writer` changes sku-1 while `reader` has it cached; resolves with the message `writer` published. */
async function invalidateAcross(writer: Instance, reader: Instance): Promise<string> {
  const from = bus.spy.messages.length;
  await invalidate(writer, reader, bus.store);
  return bus.spy.next((message) => message.includes('"k":['), from);
}

describe('a bus that is not trusted', () => {
  it('drops and counts as corrupt a truncated or extended copy of an instance\'s own message, which never counts as its echo', async () => {
    const [a, b] = (await start(2)) as [Instance, Instance];
    const echoes = (a.service.stats().sync?.echoes ?? 0) + 1;
    const own = await invalidateAcross(a, b);
    await eventually('the echo of the invalidation', () => a.service.stats().sync?.echoes === echoes);
    const copies = [own.slice(0, -1), own.slice(0, -3), own.slice(0, own.indexOf('"k":') + 2), own + ' ', own + 'x', own + '}', own + ',"k":["other"]}'];
    const dropped = [drops(a, 'corrupt', copies.length), drops(b, 'corrupt', copies.length)];
    for (const copy of copies) await bus.spy.publish(copy);
    await Promise.all(dropped);
    expect(a.service.stats().sync?.echoes).toBe(echoes);
    expect(a.service.stats().sync?.dropped.corrupt).toBe(copies.length);
    expect(b.service.stats().sync?.applied).toBe(1);
  });

  it('drops and counts every message whose sequence is not a positive safe integer, and applies none of it', async () => {
    const [a, b] = (await start(2)) as [Instance, Instance];
    const keys = bodyOf(await invalidateAcross(a, b)).k;
    await b.inventory.stock('sku-1');
    const loads = b.inventory.loads;
    const invalid = [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, 2 ** 64, '1', null, true, [1]];
    const dropped = drops(b, 'corrupt', invalid.length + 3);
    for (const q of invalid) await bus.spy.publish(forge({ n: 'inventory', s: STRANGER, q, k: keys }));
    // Numbers JSON can write but no sender does.
    for (const q of ['1e400', '-0', '00001']) await bus.spy.publish(`${HEADER}{"n":"inventory","s":"${STRANGER}","q":${q},"k":${JSON.stringify(keys)}}`);
    await dropped;
    expect(b.service.stats().sync?.applied).toBe(1);
    expect(await b.inventory.stock('sku-1')).toBe(bus.store.get('sku-1'));
    expect(b.inventory.loads).toBe(loads);
    // The same message with a valid sequence is applied: what was dropped was the sequence.
    const applied = nextRemoteInvalidation(b.service);
    await bus.spy.publish(forge({ n: 'inventory', s: STRANGER, q: Number.MAX_SAFE_INTEGER, k: keys }));
    await applied;
    await b.inventory.stock('sku-1');
    expect(b.inventory.loads).toBe(loads + 1);
  });

  it('costs at most one gap for a forged huge sequence under a real instance\'s id, and still reports a later real jump as a gap', async () => {
    const [a, b] = (await start(2)) as [Instance, Instance];
    const real = bodyOf(await invalidateAcross(a, b));
    const gaps = (): number => b.service.stats().sync?.gaps ?? 0;
    const before = gaps();

    const forgedGap = nextEvent(b.service, 'gap');
    await bus.spy.publish(forge({ n: 'inventory', s: real.s, q: Number.MAX_SAFE_INTEGER, h: 1 }));
    expect(await forgedGap).toMatchObject({ reason: 'sequence' });
    expect(gaps()).toBe(before + 1);

    // a goes on from where it was: a lower number than the forged one, not a gap.
    for (let i = 0; i < 3; i++) await invalidateAcross(a, b);
    expect(gaps()).toBe(before + 1);

    // A message of a lost: a jump in a's own numbering, right after its last real one.
    const last = bodyOf(bus.spy.messages.filter((message) => message.includes(`"s":"${real.s}"`) && message.includes('"k":[')).at(-1) as string);
    const realGap = nextEvent(b.service, 'gap');
    await bus.spy.publish(forge({ n: 'inventory', s: real.s, q: last.q + 2, h: 1 }));
    expect(await realGap).toMatchObject({ reason: 'sequence' });
    expect(gaps()).toBe(before + 2);
  });

  it('drops a message larger than the transport carries before reading it, however it is encoded', async () => {
    const [a, b] = (await start(2)) as [Instance, Instance];
    await invalidateAcross(a, b);
    const huge = forge({ n: 'inventory', s: STRANGER, q: 1, k: Array.from({ length: 150_000 }, (_, i) => `inventory:Inventory.stock("sku-${i}")`) });
    // Fewer characters than the limit, but more bytes: two per character.
    const wide = forge({ n: 'inventory', s: STRANGER, q: 2, k: ['é'.repeat(MAX_PAYLOAD_BYTES / 2)] });
    // Not even JSON: were it read, it would be counted as corrupt.
    const garbage = HEADER + '{'.repeat(MAX_PAYLOAD_BYTES);
    expect(wide.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    const dropped = [drops(a, 'oversized', 3), drops(b, 'oversized', 3)];
    for (const payload of [huge, wide, garbage]) await bus.spy.publish(payload);
    await Promise.all(dropped);
    for (const { service } of [a, b]) expect(service.stats().sync?.dropped).toMatchObject({ oversized: 3, corrupt: 0 });
    expect(b.service.stats().sync?.applied).toBe(1);
  });
});

describe('the time one message may hold an instance', () => {
  /**
   * The CPU time, in ms, each call into the engine's listener took, for one service: the time it holds the
   * event loop, less what other processes of a busy machine take from it meanwhile (wall time of the same
   * call has read 20 ms alone and 60 ms beside the other test workers).
   */
  function timed(transport: SynchronizationTransport, durations: number[]): SynchronizationTransport {
    return {
      name: transport.name,
      connect: (listener) =>
        transport.connect({
          message: (payload) => {
            const started = process.cpuUsage();
            listener.message(payload);
            const used = process.cpuUsage(started);
            durations.push((used.user + used.system) / 1000);
          },
          down: (reason) => listener.down(reason),
          up: () => listener.up(),
        }),
    };
  }

  /** A message with as many keys as the bus carries, each made by `key(i)`; signed, it leaves room for the signature. */
  function largestMessage(key: (i: number) => string, signed: boolean): string {
    const keys: string[] = [];
    let bytes = forge({ n: 'inventory', s: STRANGER, q: 1, k: [] }).length + (signed ? 50 : 0);
    for (let i = 0; ; i++) {
      const item = JSON.stringify(key(i)).length + 1;
      if (bytes + item > MAX_PAYLOAD_BYTES) break;
      keys.push(key(i));
      bytes += item;
    }
    const unsigned = forge({ n: 'inventory', s: STRANGER, q: 1, k: keys });
    const message = signed ? sign(unsigned, KEY) : unsigned;
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(Buffer.byteLength(message)).toBeGreaterThan(MAX_PAYLOAD_BYTES - 64);
    return message;
  }

  const services: CachingService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.dispose()));
  });

  const cachedKey = (i: number): string => `inventory:Inventory.stock("sku-${i}")`;
  it.each([
    ['keys of cached entries, every one of which goes', cachedKey, true, false],
    ['the shortest distinct keys, none cached', (i: number) => i.toString(36), false, false],
    ['keys of cached entries, signed', cachedKey, true, true],
  ])('applies the largest message the bus carries (%s) within 50 ms', async (_, key, cached, signed) => {
    const durations: number[] = [];
    const sync = { ...QUIET, ...(signed ? { signingKeys: [KEY] } : {}) };
    const create = (transport: SynchronizationTransport): CachingService => {
      const service = CachingService.create({ namespace: 'inventory', backend: new MemoryBackend({ maxEntries: 100_000 }), synchronization: { transport, ...sync } });
      services.push(service);
      return service;
    };
    const receiver = create(timed(new RedisSynchronization({ connection: REDIS_URL, channel: bus.channel }), durations));
    create(new RedisSynchronization({ connection: REDIS_URL, channel: bus.channel }));
    await Promise.all(services.map((service) => service.initialize()));
    const message = largestMessage(key, signed);
    const count = bodyOf(message).k?.length ?? 0;
    if (cached) {
      const inventory = receiver.bind(new Inventory(new Map(Array.from({ length: count }, (__, i) => [`sku-${i}`, i]))));
      for (let i = 0; i < count; i++) await inventory.stock(`sku-${i}`);
      expect(receiver.stats().entries).toBe(count);
    }
    const applied = nextRemoteInvalidation(receiver);
    const from = durations.length;
    await bus.spy.publish(message);
    expect((await applied).keys).toHaveLength(count);
    expect(receiver.stats().entries).toBe(0);
    const slowest = Math.max(...durations.slice(from));
    expect(slowest).toBeLessThanOrEqual(50);
  });
});
