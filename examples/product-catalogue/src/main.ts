// The seed's story: two app instances over one database, each with its own local cache, kept coherent
// by a bus. Over Redis, in separate processes, when Redis is reachable: there the instances also share a
// second level in Redis (RedisL2), and a third instance started late is served warm from it, without a
// database read. Otherwise in one process, memory only.
//   node dist/main.js                 Redis at REDIS_URL (default redis://127.0.0.1:6379), else in-process
//   node dist/main.js --in-process    always in one process, joined by an InProcessSynchronization
import { InProcessSynchronization } from '@cachet/core';
import { Redis } from 'ioredis';
import { LocalAppInstance, type AppInstance } from './app-instance';
import type { Product } from './catalogue';
import { ChildAppInstance } from './child-app-instance';
import { MapDatabase, RedisHashDatabase } from './databases';
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
  const apps = ['A', 'B'].map((name) => new LocalAppInstance(name, database, { synchronization: bus }, (keys) => timeline.remoteInvalidation(name, keys)));
  await Promise.all(apps.map((app) => app.initialize()));
  try {
    await story(apps[0]!, apps[1]!, timeline);
  } finally {
    await Promise.all(apps.map((app) => app.dispose()));
  }
}

/** The second level's story: an instance started after the others reads what they cached, from Redis. */
async function lateInstance(start: (name: string) => Promise<AppInstance>, timeline: Timeline): Promise<void> {
  timeline.heading('A third instance, C, starts late: Redis serves it warm, without a database read:');
  const c = await start('C');
  try {
    for (const [method, id] of [['getProduct', 1], ['getPrice', 1], ['getPrice', 2]] as const) {
      timeline.read(c.name, `${method}(${id})`, await c.run({ kind: 'read', method, id }));
    }
    timeline.read(c.name, 'getPrice(1)', await c.run({ kind: 'read', method: 'getPrice', id: 1 }));
    timeline.totals(c.name, await c.run({ kind: 'stats' }));
  } finally {
    await c.dispose();
  }
}

async function inSeparateProcesses(redis: Redis, timeline: Timeline): Promise<void> {
  const prefix = `cachet-demo:${process.pid}`;
  const connection = { redisUrl: REDIS_URL, hash: `${prefix}:products`, channel: `${prefix}:invalidation`, keyPrefix: prefix };
  const start = (name: string): Promise<AppInstance> => ChildAppInstance.start(name, connection, (keys) => timeline.remoteInvalidation(name, keys));
  const database = new RedisHashDatabase(redis, connection.hash);
  for (const product of PRODUCTS) await database.put(product);
  try {
    const apps = await Promise.all(['A', 'B'].map(start));
    try {
      await story(apps[0]!, apps[1]!, timeline);
      await lateInstance(start, timeline);
    } finally {
      await Promise.all(apps.map((app) => app.dispose()));
    }
  } finally {
    await redis.del(connection.hash);
    await deleteKeys(redis, `{${prefix}:*`);
  }
}

/** Deletes what the demo's second level left in Redis (its keys all start with `{<keyPrefix>:`). */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
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
  const timeline = new Timeline();
  const redis = process.argv.includes('--in-process') ? undefined : await tryRedis(REDIS_URL);
  if (redis === undefined) {
    if (!process.argv.includes('--in-process')) console.log(`Redis is not reachable at ${REDIS_URL}: running both instances in one process instead.`);
    console.log('Two app instances (A and B) in one process, one shared Map as database, joined by an InProcessSynchronization.');
    return inOneProcess(timeline);
  }
  console.log(
    `App instances in separate processes, one Redis hash as database, each with its memory cache over a shared second level in Redis at ${REDIS_URL} ` +
      '(RedisL2, whose bus keeps the memory caches coherent).',
  );
  try {
    await inSeparateProcesses(redis, timeline);
  } finally {
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
