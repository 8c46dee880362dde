import type { SecondLevelListener } from '@cachet/core';
import { RedisL2 } from '@cachet/redis';
import { Redis } from 'ioredis';
import { usePrivateRedis } from '../support/private-redis-server';
import { RedisKeys } from '../support/redis-keys';
import { waitFor } from '../support/wait-for';

// What Redis may take away on its own (expiry, maxmemory eviction of any key) never makes RedisL2 serve an
// entry an invalidation should have removed: an entry is served only while it is still a member of the
// record of each of its dependencies, and a lost version state or lost invalidation records refuse old stamps.
// A private server, so that maxmemory can be set.
const redis = usePrivateRedis();
const quiet: SecondLevelListener = { down: () => undefined, up: () => undefined };
const opened: RedisL2[] = [];
let admin: Redis;
let keys: RedisKeys;
let namespace = '';
let run = 0;

beforeAll(() => {
  admin = new Redis(redis.server.url);
  keys = new RedisKeys(admin);
});
afterAll(() => admin?.quit());
beforeEach(() => {
  namespace = `evict${++run}`;
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l2) => l2.close()));
  await admin.config('SET', 'maxmemory', '0');
  await admin.flushall();
});

async function open(options: { maxInvalidationRecords?: number } = {}): Promise<RedisL2> {
  const l2 = new RedisL2({ connection: redis.server.url, keyPrefix: 'ev', ...options });
  opened.push(l2);
  await l2.open({ namespace, listener: quiet });
  return l2;
}

const tag = (): string => `{ev:${namespace}}`;
const key = (name: string): string => `${namespace}:${name}`;

async function versionOf(l2: RedisL2): Promise<number> {
  return (await l2.get(key('probe'))).version;
}

describe('RedisL2 under eviction', () => {
  it('does not serve an entry whose dependency record was evicted, and leaves nothing of it behind', async () => {
    const l2 = await open();
    const version = await versionOf(l2);
    await l2.set(key('a'), { value: Buffer.from('a'), dependencies: ['tag:a', 'tag:shared'], stamp: { version } });
    await l2.set(key('b'), { value: Buffer.from('b'), dependencies: ['tag:shared'], stamp: { version } });
    const [record] = (await keys.all(`${tag()}:`)).filter((name) => name.endsWith(':d:tag:a'));

    await admin.del(record as string); // as maxmemory eviction would

    expect((await l2.get(key('a'))).hit).toBe(false);
    expect((await l2.get(key('b'))).hit).toBe(true);
    await l2.invalidate([], ['tag:shared']);
    expect(await keys.records(tag())).toBe(0);
  });

  it('refuses every older stamp when the invalidation records were evicted, and starts a new generation when the version state was', async () => {
    const l2 = await open();
    const before = await versionOf(l2);
    await l2.invalidate([], ['tag:x']);
    await admin.del(`${tag()}:i`);
    const after = await versionOf(l2);
    expect(await l2.set(key('old'), { value: Buffer.from('old'), dependencies: ['tag:x'], stamp: { version: before } })).toBe(false);
    expect(await l2.set(key('new'), { value: Buffer.from('new'), dependencies: ['tag:x'], stamp: { version: after } })).toBe(true);

    await admin.del(`${tag()}:m`);

    const reseeded = await versionOf(l2);
    expect(reseeded).toBeGreaterThan(after);
    expect((await l2.get(key('new'))).hit).toBe(false);
    expect(await l2.set(key('late'), { value: Buffer.from('late'), dependencies: [], stamp: { version: after } })).toBe(false);
  });

  it('forgets the oldest invalidation records past maxInvalidationRecords, and then refuses stamps older than those', async () => {
    const l2 = await open({ maxInvalidationRecords: 10 });
    const old = await versionOf(l2);
    for (let i = 0; i < 25; i++) await l2.invalidate([], [`tag:${i}`]);
    expect(await admin.zcard(`${tag()}:i`)).toBe(10);
    const recent = (await versionOf(l2)) - 5; // the last five invalidations are still recorded

    expect(await l2.set(key('old'), { value: Buffer.from('x'), dependencies: ['tag:unrelated'], stamp: { version: old } })).toBe(false);
    expect(await l2.set(key('recent'), { value: Buffer.from('x'), dependencies: ['tag:unrelated'], stamp: { version: recent } })).toBe(true);
    expect(await l2.set(key('stale'), { value: Buffer.from('x'), dependencies: ['tag:24'], stamp: { version: recent } })).toBe(false);
  });

  // allkeys-lru may evict anything, the version state included: the generation it named is then out of
  // reach (never served again) and left to the LRU and to lifetimes. volatile-lru evicts only what has a
  // lifetime: entries and the records of entries that have one.
  it.each(['allkeys-lru', 'volatile-lru'])('under maxmemory %s: an invalidation never leaves a dependent served, and nothing is left once entries are invalidated, expired or read broken', async (policy) => {
    const l2 = await open();
    await admin.config('SET', 'maxmemory-policy', policy);
    await admin.config('SET', 'maxmemory', String(Number((await admin.info('memory')).match(/used_memory:(\d+)/)?.[1]) + 1_000_000));
    const version = await versionOf(l2);
    const value = Buffer.alloc(1_000, 1);
    const count = 1_500; // 1.5 MB of values against 1 MB of room: evictions
    for (let i = 0; i < count; i++) {
      const lifetime = i % 2 === 0 ? { ttlMs: 300 } : {};
      const entry = { value, dependencies: [`tag:${i % 50}`, key(`e${(i + 1) % count}`)], stamp: { version }, ...lifetime };
      // Rejected (OOM) once volatile-lru has nothing left it may evict: the write is skipped, as the service would.
      await l2.set(key(`e${i}`), entry).catch(() => undefined);
    }
    expect(Number((await admin.info('stats')).match(/evicted_keys:(\d+)/)?.[1])).toBeGreaterThan(0);
    await admin.config('SET', 'maxmemory', '0'); // nothing evicted from here on: what is left is what RedisL2 left

    await l2.invalidate([], Array.from({ length: 25 }, (_, i) => `tag:${i}`));

    // Every dependent of the tags is gone; and what eviction cut off from its records is removed when read.
    for (let i = 0; i < count; i++) {
      const read = await l2.get(key(`e${i}`));
      if (i % 50 < 25) expect(read.hit).toBe(false);
    }
    // The rest goes with its tags or its lifetime.
    await l2.invalidate([], Array.from({ length: 25 }, (_, i) => `tag:${25 + i}`));
    const generation = await admin.hget(`${tag()}:m`, 'g');
    const current = `${tag()}:${generation}:`;
    // Left: under volatile-lru, nothing (but the version state and the invalidation records). Under
    // allkeys-lru, only what eviction orphaned: records (of an entry the LRU evicted) none of whose members
    // exists any more, never read again, left to the LRU; and whole generations an evicted version state
    // put out of reach.
    const left = async (): Promise<string[]> => {
      const names = (await keys.all(`${tag()}:`)).filter((name) => name !== `${tag()}:m` && name !== `${tag()}:i`);
      if (policy === 'volatile-lru') return names;
      const kept: string[] = [];
      for (const name of names.filter((candidate) => candidate.startsWith(current))) {
        if (name.startsWith(`${current}e:`)) kept.push(name);
        else if ((await Promise.all((await admin.hkeys(name)).map((member) => admin.exists(`${current}e:${member}`)))).some(Boolean)) kept.push(name);
      }
      return kept;
    };
    let remaining: string[] | undefined;
    await waitFor('every entry and record of the namespace to be gone', () => remaining?.length === 0, (wake) => {
      const timer = setInterval(() => left().then((names) => ((remaining = names), wake())), 50);
      return () => clearInterval(timer);
    }).catch((error: Error) => {
      throw new Error(`${error.message}; left: ${remaining?.slice(0, 5).join(', ')} (${remaining?.length})`);
    });
  }, 20_000);
});
