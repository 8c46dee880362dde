// The seed's story: two app instances over one database, each with its own local cache, kept coherent
// by a bus. Over Redis, in two processes, when Redis is reachable; otherwise in one process. Then the
// fault story (fault-story.ts): the database goes down and the app keeps answering from fail-safe values.
//   node dist/main.js                 Redis at REDIS_URL (default redis://127.0.0.1:6379), else in-process
//   node dist/main.js --in-process    always in one process, joined by an InProcessSynchronization
import { InProcessSynchronization } from '@cachet/core';
import { Redis } from 'ioredis';
import { LocalAppInstance, type AppInstance } from './app-instance';
import type { Product } from './catalogue';
import { ChildAppInstance } from './child-app-instance';
import { MapDatabase, RedisHashDatabase } from './databases';
import { faultStory } from './fault-story';
import { Timeline } from './timeline';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PRODUCTS: Product[] = [
  { id: 1, name: 'Mechanical keyboard', price: 89 },
  { id: 2, name: 'USB-C cable', price: 9.5 },
];
/** Each update invalidates getProduct(id) and getPrice(id): two keys reach the other instance. */
const KEYS_PER_UPDATE = 2;

async function story(a: AppInstance, b: AppInstance, timeline: Timeline): Promise<void> {
  const read = async (app: AppInstance, method: 'getProduct' | 'getPrice', id: number) =>
    timeline.read(app.name, `${method}(${id})`, await app.run({ kind: 'read', method, id }));

  timeline.heading('Both instances warm their own cache:');
  await read(a, 'getProduct', 1);
  await read(a, 'getProduct', 1);
  await read(b, 'getPrice', 1);
  await read(b, 'getPrice', 1);
  await read(b, 'getPrice', 2);

  timeline.heading('A changes a price; the invalidation reaches B over the bus:');
  timeline.update(a.name, 'updatePrice(1, 79)');
  await a.run({ kind: 'update', id: 1, price: 79 });
  await b.remoteKeysReceived(KEYS_PER_UPDATE);

  timeline.heading('Neither instance serves the old price; the untouched product stays cached:');
  await read(b, 'getPrice', 1);
  await read(a, 'getProduct', 1);
  await read(b, 'getPrice', 2);

  timeline.heading('Totals:');
  for (const app of [a, b]) timeline.totals(app.name, await app.run({ kind: 'stats' }));
}

async function inOneProcess(timeline: Timeline): Promise<void> {
  const database = new MapDatabase();
  for (const product of PRODUCTS) await database.put(product);
  const bus = new InProcessSynchronization();
  const apps = ['A', 'B'].map((name) => new LocalAppInstance(name, database, bus, (keys) => timeline.remoteInvalidation(name, keys)));
  await Promise.all(apps.map((app) => app.initialize()));
  try {
    await story(apps[0]!, apps[1]!, timeline);
  } finally {
    await Promise.all(apps.map((app) => app.dispose()));
  }
}

async function inTwoProcesses(redis: Redis, timeline: Timeline): Promise<void> {
  const hash = `cachet-demo:${process.pid}:products`;
  const channel = `cachet-demo:${process.pid}:invalidation`;
  const database = new RedisHashDatabase(redis, hash);
  for (const product of PRODUCTS) await database.put(product);
  try {
    const apps = await Promise.all(
      ['A', 'B'].map((name) => ChildAppInstance.start(name, REDIS_URL, hash, channel, (keys) => timeline.remoteInvalidation(name, keys))),
    );
    try {
      await story(apps[0]!, apps[1]!, timeline);
    } finally {
      await Promise.all(apps.map((app) => app.dispose()));
    }
  } finally {
    await redis.del(hash);
  }
}

/** A connected client when Redis answers at `url`, otherwise `undefined`. */
async function tryRedis(url: string): Promise<Redis | undefined> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1_000, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch {
    redis.disconnect();
    return undefined;
  }
}

async function main(): Promise<void> {
  await seedStory();
  await faultStory(PRODUCTS);
}

async function seedStory(): Promise<void> {
  const timeline = new Timeline();
  const redis = process.argv.includes('--in-process') ? undefined : await tryRedis(REDIS_URL);
  if (redis === undefined) {
    if (!process.argv.includes('--in-process')) console.log(`Redis is not reachable at ${REDIS_URL}: running both instances in one process instead.`);
    console.log('Two app instances (A and B) in one process, one shared Map as database, joined by an InProcessSynchronization.');
    return inOneProcess(timeline);
  }
  console.log(`Two app instances (A and B) in separate processes, one Redis hash as database, synchronized over Redis at ${REDIS_URL}.`);
  try {
    await inTwoProcesses(redis, timeline);
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
