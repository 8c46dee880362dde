import { randomBytes } from 'node:crypto';
import { useSpiedChannel } from '../support/bus-spy';
import { bodyOf, drops, forge, sign, unsigned } from '../support/forgery';
import { REDIS_URL } from '../support/redis-url';
import { invalidateAcross, nextEvent, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';

/** Two keys, as configuration would hold them: one as a Buffer, one as a string. */
const KEY_A = randomBytes(32);
const KEY_B = randomBytes(48).toString('base64');
/** Heartbeats every minute: only what a test sends crosses the bus while it counts. */
const QUIET = { heartbeatIntervalMs: 60_000 };

const bus = useSpiedChannel('signed');

async function start(signingKeys: readonly (string | Buffer)[] | undefined, count = 1): Promise<Instance[]> {
  return startInstances(count, bus.store, { connection: REDIS_URL, channel: bus.channel, sync: { ...QUIET, ...(signingKeys === undefined ? {} : { signingKeys }) } });
}

/** Both ways: each instance's writes reach the other. */
async function invalidateEachOther(x: Instance, y: Instance): Promise<void> {
  await invalidateAcross(x, y, bus.store);
  await invalidateAcross(y, x, bus.store);
}

/** `writer` changes sku-1 while `reader` has it cached; resolves with the message `writer` published. */
async function published(writer: Instance, reader: Instance): Promise<string> {
  const from = bus.spy.messages.length;
  await invalidateAcross(writer, reader, bus.store);
  return bus.spy.next((text) => text.includes('"k":['), from);
}

/** `reader`'s cached sku-1 is still served: nothing was invalidated there. */
async function expectStillCached(reader: Instance): Promise<void> {
  const loads = reader.inventory.loads;
  await reader.inventory.stock('sku-1');
  expect(reader.inventory.loads).toBe(loads);
}

describe('signingKeys', () => {
  it('lets two services with the same key invalidate each other, with every message they publish signed', async () => {
    const [a, b] = (await start([KEY_A], 2)) as [Instance, Instance];
    await invalidateEachOther(a, b);
    await invalidateEachOther(b, a);
    // Four invalidations, which the bus.spy may hear after the services did.
    await bus.spy.heard(4);
    for (const message of bus.spy.messages) expect(sign(unsigned(message), KEY_A)).toBe(message);
    for (const { service } of [a, b]) expect(service.stats().sync?.dropped.unauthenticated).toBe(0);
  });

  it('drops, as unauthenticated, every message of a service with another key and of an unsigned one; those cannot invalidate it', async () => {
    const [a, b] = (await start([KEY_A], 2)) as [Instance, Instance];
    const [other] = (await start([KEY_B])) as [Instance];
    const [plain] = (await start(undefined)) as [Instance];
    await b.inventory.stock('sku-1');

    for (const stranger of [other, plain]) {
      const dropped = [drops(a, 'unauthenticated', 1), drops(b, 'unauthenticated', 1)];
      await stranger.inventory.setStock('sku-1', (bus.store.get('sku-1') ?? 0) + 1);
      await Promise.all(dropped);
      await expectStillCached(b);
    }
    expect(b.service.stats().sync?.applied).toBe(0);
    // The other way, a service with another key drops signed messages; one without keys applies them.
    await other.inventory.stock('sku-1');
    const otherDrops = drops(other, 'unauthenticated', 1);
    await invalidateAcross(a, plain, bus.store);
    await otherDrops;
    await expectStillCached(other);
  });

  it('never takes an unsigned, stripped or re-signed message for an echo, a heartbeat or an invalidation', async () => {
    const [a, b] = (await start([KEY_A], 2)) as [Instance, Instance];
    const own = await published(a, b);
    await b.inventory.stock('sku-1');
    const echoes = a.service.stats().sync?.echoes;
    const gaps = b.service.stats().sync?.gaps;
    const body = bodyOf(unsigned(own));
    const forged = [
      unsigned(own),
      sign(unsigned(own), KEY_B),
      // a's signature on another message.
      own.replace('"k":["', '"k":["x'),
      // A heartbeat under a's id with a huge sequence: would cost b a gap if it were believed.
      forge({ n: body.n, s: body.s, q: Number.MAX_SAFE_INTEGER, h: 1 }),
      sign(forge({ n: body.n, s: body.s, q: Number.MAX_SAFE_INTEGER, h: 1 }), KEY_B),
    ];
    const dropped = [drops(a, 'unauthenticated', forged.length), drops(b, 'unauthenticated', forged.length)];
    for (const message of forged) await bus.spy.publish(message);
    await Promise.all(dropped);
    expect(a.service.stats().sync?.echoes).toBe(echoes);
    expect(b.service.stats().sync?.gaps).toBe(gaps);
    await expectStillCached(b);
  });

  it('lets a captured message be replayed: the latest re-applies its invalidation; an older one also costs one gap at the sender\'s next message', async () => {
    const [a, b] = (await start([KEY_A], 2)) as [Instance, Instance];
    const first = await published(a, b);
    const latest = await published(a, b);
    const gaps = b.service.stats().sync?.gaps ?? 0;

    await b.inventory.stock('sku-1');
    let replayed = nextRemoteInvalidation(b.service);
    await bus.spy.publish(latest);
    await replayed;
    expect(b.service.stats().sync?.gaps).toBe(gaps);

    replayed = nextRemoteInvalidation(b.service);
    await bus.spy.publish(first);
    await replayed;
    expect(b.service.stats().sync?.gaps).toBe(gaps);
    const gap = nextEvent(b.service, 'gap');
    await published(a, b);
    expect(await gap).toMatchObject({ reason: 'sequence' });
    expect(b.service.stats().sync?.gaps).toBe(gaps + 1);
  });

  it('rotates from one key to another in two deploys without losing an invalidation between the instances of each overlap', async () => {
    // Step 0: every instance signs with A.
    const [old] = (await start([KEY_A])) as [Instance];
    // Step 1, rolling: instances restart with [A, B] next to those still on [A].
    const [adding] = (await start([KEY_A, KEY_B])) as [Instance];
    await invalidateEachOther(old, adding);
    await old.service.dispose();
    // Step 2, rolling, once no instance runs on [A] alone: [B, A] next to [A, B].
    const [switched] = (await start([KEY_B, KEY_A])) as [Instance];
    await invalidateEachOther(adding, switched);
    await adding.service.dispose();
    // Later, once none signs with A any more: [B] next to [B, A].
    const [done] = (await start([KEY_B])) as [Instance];
    await invalidateEachOther(switched, done);

    for (const instance of [old, adding, switched, done]) expect(instance.service.stats().sync?.dropped.unauthenticated).toBe(0);
  });

  it('loses invalidations when the second step starts before the first has finished: why rotation takes two deploys', async () => {
    const [old] = (await start([KEY_A])) as [Instance];
    const [switched] = (await start([KEY_B, KEY_A])) as [Instance];
    await invalidateAcross(old, switched, bus.store);
    await old.inventory.stock('sku-1');
    const dropped = drops(old, 'unauthenticated', 1);
    await switched.inventory.setStock('sku-1', 99);
    await dropped;
    expect(await old.inventory.stock('sku-1')).not.toBe(99);
  });
});
