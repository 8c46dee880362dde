import { describeSecondLevelConformance } from '@cachet/core/testing';
import { RedisL2, type RedisConnection } from '@cachet/redis';
import { Redis, type Cluster } from 'ioredis';
import { assertRedisReachable, REDIS_URL } from './redis-url';
import { RedisKeys } from './redis-keys';

/** Where the suite runs: the shared Redis, unless a test gives a server (a cluster) of its own. */
export interface L2Server {
  /** Fails with how to start one when it is not there. */
  readonly check: () => Promise<void>;
  /** The test's own client, to count and delete keys with. */
  readonly inspector: () => Redis | Cluster;
}

const sharedRedis: L2Server = { check: () => assertRedisReachable(), inspector: () => new Redis(REDIS_URL) };

/**
 * Runs core's second-level conformance suite against RedisL2, each client made from `connection()` (a URL,
 * options, or a client of the test's own), with real time for expiry, and counts what is left in Redis.
 * @param ownClients clients `connection()` made: RedisL2 must leave them open, and they are quit after.
 */
export function describeRedisL2Conformance(label: string, connection: () => RedisConnection, ownClients: (Redis | Cluster)[] = [], server = sharedRedis): void {
  const keyPrefix = `cachet-test-${process.pid}`;
  let keys: RedisKeys;
  beforeAll(async () => {
    await server.check();
    keys = new RedisKeys(server.inspector());
  });
  afterAll(async () => {
    await Promise.all(ownClients.map((client) => client.quit()));
    await keys?.drop(`{${keyPrefix}:`);
    await keys?.client.quit();
  });
  describeSecondLevelConformance({
    name: `RedisL2 (${label})`,
    create: () => new RedisL2({ connection: connection(), keyPrefix }),
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    records: (namespace) => keys.records(`{${keyPrefix}:${namespace}}`),
  });
}
