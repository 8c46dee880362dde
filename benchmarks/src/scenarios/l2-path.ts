import { deserialize, serialize } from 'node:v8';
import { CachingService } from '@cachet/core';
import { RedisL2 } from '@cachet/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import { elapsedNs, nowNs } from '../harness/clock.js';
import { timeInterleaved } from '../harness/rounds.js';
import { formatBytes, formatNs, formatRatio } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { probeRedis } from '../harness/redis-probe.js';
import { median, percentile } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { cachetUsers } from '../subjects/cachet.js';
import { type User, UserStore, userTag } from '../subjects/user-store.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Second level (L1 miss, L2 hit)';
const PREFIX = `bench-l2-${process.pid}`;

/** One way of reading a value another instance stored in Redis, from a process whose memory does not hold it. */
interface Reader {
  read(id: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A library under test: fills Redis once, then makes fresh readers (empty first level) for each round. */
interface Contender {
  readonly name: string;
  fill(ids: number, tags: boolean): Promise<void>;
  reader(): Promise<Reader>;
  /** Keys it wrote in Redis, for MEMORY USAGE. */
  keys(redis: Redis): Promise<string[]>;
  close(): Promise<void>;
}

const user = (id: number): User => ({ id, tier: 'basic' });
const keyOf = (id: number): string => `Users.getUser:${id}`;

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** The floor: what any L2 must do at least, a raw ioredis GET and v8 deserialization. */
function floor(url: string): Contender {
  const redis = new Redis(url);
  const key = (id: number): string => `${PREFIX}:floor:${id}`;
  return {
    name: 'floor: ioredis GET + v8.deserialize',
    async fill(ids) {
      for (let id = 0; id < ids; id++) await redis.set(key(id), serialize(user(id)));
    },
    async reader() {
      return { read: async (id) => deserialize((await redis.getBuffer(key(id))) as Buffer), close: async () => undefined };
    },
    keys: (admin) => scan(admin, `${PREFIX}:floor:*`),
    close: async () => void redis.disconnect(),
  };
}

/** cachet: a caching service with RedisL2 under its memory cache; each reader is a new service (a new instance). */
function cachet(url: string): Contender {
  const namespace = 'bench';
  const keyPrefix = `${PREFIX}-cachet`;
  let writer: CachingService | undefined;
  const create = async (): Promise<CachingService> => {
    const service = CachingService.create({ namespace, l2: new RedisL2({ connection: url, keyPrefix }) });
    await service.initialize();
    return service;
  };
  return {
    name: 'cachet (RedisL2)',
    async fill(ids, tags) {
      writer ??= await create();
      for (let id = 0; id < ids; id++) await writer.getOrSet(keyOf(id), async () => user(id), tags ? { tags: [userTag(id)] } : {});
    },
    async reader() {
      const service = await create();
      const fail = async (): Promise<User> => {
        throw new Error('cachet ran the factory: the value was not served from Redis');
      };
      return { read: (id) => service.getOrSet(keyOf(id), fail), close: () => service.dispose() };
    },
    keys: (admin) => scan(admin, `{${keyPrefix}:${namespace}}*`),
    close: async () => writer?.dispose(),
  };
}

/** cachet's store alone, without the service: RedisL2.get (one script) and v8 deserialization. Reads what `cachet` filled. */
function cachetStore(url: string): Contender {
  const keyPrefix = `${PREFIX}-cachet`;
  return {
    name: 'cachet store alone: RedisL2.get + v8.deserialize',
    fill: async () => undefined,
    async reader() {
      const l2 = new RedisL2({ connection: url, keyPrefix });
      await l2.open({ namespace: 'bench', listener: { down: () => undefined, up: () => undefined } });
      const read = async (id: number): Promise<unknown> => {
        const found = await l2.get(`bench:${keyOf(id)}`);
        if (!found.hit) throw new Error('RedisL2.get missed a value the service stored');
        return deserialize(found.value);
      };
      return { read, close: () => l2.close() };
    },
    keys: async () => [],
    close: async () => undefined,
  };
}

/** bentocache with a memory L1 and its Redis L2 driver (no bus: a bus would not change a read). */
function bentocache(url: string): Contender {
  const prefix = `${PREFIX}-bento`;
  const create = (): BentoCache<{ cache: ReturnType<typeof bentostore> }> =>
    new BentoCache({
      default: 'cache',
      prefix,
      stores: { cache: bentostore().useL1Layer(memoryDriver({ maxItems: 100_000 })).useL2Layer(redisDriver({ connection: new Redis(url) })) },
    });
  const writer = create();
  return {
    name: 'bentocache (memory L1 + Redis L2)',
    async fill(ids, tags) {
      for (let id = 0; id < ids; id++) await writer.getOrSet({ key: keyOf(id), factory: () => user(id), ...(tags ? { tags: [userTag(id)] } : {}) });
    },
    async reader() {
      const bento = create();
      const fail = (): User => {
        throw new Error('bentocache ran the factory: the value was not served from Redis');
      };
      return { read: (id) => bento.getOrSet({ key: keyOf(id), factory: fail }), close: () => bento.disconnect() };
    },
    keys: (admin) => scan(admin, `${prefix}*`),
    close: () => writer.disconnect(),
  };
}

/** Reads every id once through a fresh reader: each read misses the first level and hits Redis. */
async function readAll(contender: Contender, ids: number): Promise<number[]> {
  const reader = await contender.reader();
  const samples: number[] = [];
  try {
    for (let id = 0; id < ids; id++) {
      const start = nowNs();
      await reader.read(id);
      samples.push(elapsedNs(start));
    }
  } finally {
    await reader.close();
  }
  return samples;
}

/** Redis memory per entry: MEMORY USAGE of every key a contender wrote, over the number of entries. */
async function bytesPerEntry(admin: Redis, contender: Contender, ids: number): Promise<number> {
  let total = 0;
  for (const key of await contender.keys(admin)) total += Number(await admin.memory('USAGE', key, 'SAMPLES', '0'));
  return total / ids;
}

/**
 * The first-level hit with a second level configured, against the same service without one, timed
 * interleaved in one run: an L1 hit must not touch the second level at all.
 */
async function l1Hits(url: string, quick: boolean): Promise<Table> {
  const query = { include: ['profile'] };
  const keys = 1_000;
  const make = async (l2: boolean): Promise<{ name: string; users: ReturnType<typeof cachetUsers> }> => {
    const service = CachingService.create({ namespace: 'bench-hit', ...(l2 ? { l2: new RedisL2({ connection: url, keyPrefix: `${PREFIX}-hit` }) } : {}) });
    await service.initialize();
    const users = cachetUsers(new UserStore(), service);
    for (let id = 0; id < keys; id++) await users.getUser(id, query);
    return { name: l2 ? 'cachet with RedisL2 (l2)' : 'cachet, memory only', users };
  };
  const subjects = [await make(false), await make(true)];
  const timings = await timeInterleaved(
    subjects.map(({ name, users }) => ({
      name,
      run: async (iterations: number) => {
        for (let i = 0; i < iterations; i++) await users.getUser(i % keys, query);
      },
    })),
    { rounds: quick ? 3 : 9, batchMs: quick ? 20 : 100 },
  );
  await Promise.all(subjects.map(({ users }) => users.close()));
  const [memoryOnly] = timings;
  return {
    title: 'First-level hit with and without a second level: async getUser(id, opts), 1,000 warm keys',
    columns: ['service', 'per hit', 'vs memory only'],
    rows: timings.map((timing) => [timing.name, formatNs(timing.nsPerOp), formatRatio(timing.nsPerOp, memoryOnly?.nsPerOp ?? Number.NaN)]),
    notes: ['Median of interleaved rounds; each hit awaited. The l2 service was warmed through RedisL2 (its entries are in memory and in Redis).'],
  };
}

/**
 * The L2 read path: a value stored in Redis by one instance, read by another whose memory does not hold
 * it, against a raw GET + deserialize in the same run, beside bentocache's L2; and what each keeps in Redis
 * per entry (MEMORY USAGE), without and with one tag per entry.
 */
export const l2Path: Scenario = {
  name: 'l2-path',
  async run(options: BenchOptions): Promise<Table[]> {
    const unreachable = await probeRedis(options.redisUrl);
    if (unreachable !== undefined) {
      return [{ title: `${TITLE}: SKIPPED`, columns: ['reason'], rows: [[`Redis at ${options.redisUrl}: ${unreachable}. Start one with \`redis-server\`.`]] }];
    }
    const ids = options.quick ? 500 : 5_000;
    const rounds = options.quick ? 1 : 5;
    const hitTable = await l1Hits(options.redisUrl, options.quick);
    const admin = new Redis(options.redisUrl);
    const memoryRows: string[][] = [];
    const latency: { name: string; p50: number; p99: number }[] = [];
    try {
      for (const tags of [false, true]) {
        const contenders = [floor(options.redisUrl), cachet(options.redisUrl), cachetStore(options.redisUrl), bentocache(options.redisUrl)];
        for (const contender of contenders) {
          if (tags && contender.name.startsWith('floor')) continue;
          if (contender.name.startsWith('cachet store')) continue; // reads what the service wrote
          await contender.fill(ids, tags);
          memoryRows.push([`${contender.name}${tags ? ' + tags' : ''}`, formatBytes(await bytesPerEntry(admin, contender, ids))]);
        }
        if (!tags) {
          const samples = contenders.map((): number[] => []);
          for (let round = 0; round < rounds; round++) {
            for (let step = 0; step < contenders.length; step++) {
              const index = (round + step) % contenders.length;
              (samples[index] as number[]).push(...(await readAll(contenders[index] as Contender, ids)));
            }
          }
          contenders.forEach((contender, index) => latency.push({ name: contender.name, p50: median(samples[index] as number[]), p99: percentile(samples[index] as number[], 99) }));
        }
        await Promise.all(contenders.map((contender) => contender.close()));
        for (const pattern of [`${PREFIX}*`, `{${PREFIX}*`]) for (const key of await scan(admin, pattern)) await admin.unlink(key);
      }
    } finally {
      admin.disconnect();
    }
    const [floorRow] = latency;
    return [
      hitTable,
      {
        title: `${TITLE}: ${ids.toLocaleString('en-US')} values of getUser(id), each read once per round by a fresh instance`,
        columns: ['library', 'p50', 'p99', 'p50 vs floor', 'p99 vs floor'],
        rows: latency.map((row) => [row.name, formatNs(row.p50), formatNs(row.p99), formatRatio(row.p50, floorRow?.p50 ?? Number.NaN), formatRatio(row.p99, floorRow?.p99 ?? Number.NaN)]),
        notes: [
          `${rounds} round(s), interleaved; value { id, tier }. cachet: getOrSet on a new CachingService (empty memory) over RedisL2, v8 serializer; bentocache: getOrSet on a new BentoCache (empty L1) over its Redis driver, JSON serializer. Each read is one round trip to Redis.`,
        ],
      },
      {
        title: `Redis memory per entry (MEMORY USAGE of every key written, over ${ids.toLocaleString('en-US')} entries)`,
        columns: ['library', 'bytes / entry'],
        rows: memoryRows,
        notes: ['"+ tags": one tag per entry. cachet counts its entry hashes, dependency records, version state and invalidation records; bentocache its entries and tag keys.'],
      },
    ];
  },
};
