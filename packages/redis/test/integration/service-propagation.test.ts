import { Redis } from 'ioredis';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { disposeInstances, nextEvent, nextRemoteInvalidation, startInstances, warm, type Instance } from '../support/services';
import { UnhandledErrors } from '../support/unhandled-errors';

const unhandled = new UnhandledErrors();
let store: Map<string, number>;
let channel: string;

beforeAll(() => assertRedisReachable());
beforeEach(() => {
  unhandled.start();
  store = new Map([
    ['apple', 1],
    ['pear', 2],
  ]);
  channel = uniqueChannel('service');
});
afterEach(async () => {
  await disposeInstances();
  expect(unhandled.stop()).toEqual([]);
});

describe('CachingService over RedisSynchronization', () => {
  it('ignores its own messages when they come back, counting them as echoes', async () => {
    const [a, b] = (await startInstances(2, store, { connection: REDIS_URL, channel })) as [Instance, Instance];
    const remoteOnA: unknown[] = [];
    a.service.on('invalidate', (event) => event.source === 'remote' && remoteOnA.push(event));

    const fromA = nextRemoteInvalidation(b.service);
    await a.service.invalidateTags('from-a');
    await fromA;
    // Redis delivers in one order to every subscriber: once B's answer reaches A, A's own echo has too.
    const fromB = nextRemoteInvalidation(a.service);
    await b.service.invalidateTags('from-b');
    await fromB;

    expect(remoteOnA).toEqual([expect.objectContaining({ dependencies: ['from-b'] })]);
    expect(a.service.stats().sync).toMatchObject({ echoes: expect.any(Number), applied: 1 });
    expect(a.service.stats().sync?.echoes).toBeGreaterThanOrEqual(1);
  });

  it('drops foreign and corrupt messages on the channel, counts them, and keeps working', async () => {
    const [a, b] = (await startInstances(2, store, { connection: REDIS_URL, channel })) as [Instance, Instance];
    await warm([a, b], 'apple');
    const raw = new Redis(REDIS_URL);
    const drops = ['foreign', 'corrupt', 'version'].map((reason) => nextEvent(b.service, 'dropped-message', (event) => event.reason === reason));

    await raw.publish(channel, 'hello from another application');
    await raw.publish(channel, Buffer.from([0xca, 0xc7, 0xff, 0x00, 0x7b]));
    await raw.publish(channel, 'cachet/2 {"n":"inventory", broken');
    await raw.publish(channel, 'cachet/99 {}');
    await Promise.all(drops);
    await raw.quit();

    expect(b.service.stats().sync?.dropped).toMatchObject({ foreign: 2, corrupt: 1, version: 1 });
    const delivered = nextRemoteInvalidation(b.service);
    await a.inventory.setStock('apple', 13);
    await delivered;
    await expect(b.inventory.stock('apple')).resolves.toBe(13);
  });

  it('keeps namespaces apart on a shared channel', async () => {
    const [shop] = (await startInstances(1, store, { connection: REDIS_URL, channel })) as [Instance];
    const [blog] = (await startInstances(1, store, { connection: REDIS_URL, channel, namespace: 'blog' })) as [Instance];

    const dropped = nextEvent(blog.service, 'dropped-message', (event) => event.reason === 'namespace');
    await shop.service.clear();
    await dropped;
  });
});
