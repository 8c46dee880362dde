import { CachingService } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { RedisL2, type RedisConnection } from '@cachet/redis';
import { Redis } from 'ioredis';
import { Catalogue } from '../support/catalogue';
import { useCrashingRedis } from '../support/crashing-redis';

// The README's promise for `commandTimeoutMs`: a frozen Redis (SIGSTOP: its connections stay open, nothing
// is answered) never makes a caller hang. While it is frozen, a miss is served by the method and an
// invalidation waits; once it thaws, the invalidation is replayed before the second level is used again.
// For each way of giving RedisL2 its connection.

const COMMAND_TIMEOUT_MS = 250;
const started: CachingService[] = [];
const applicationClients: Redis[] = [];
const redis = useCrashingRedis(async () => {
  redis.server.resume();
  await Promise.all(started.splice(0).map((service) => service.dispose()));
  await Promise.all(applicationClients.splice(0).map((client) => client.quit()));
});

const configurations: readonly { readonly name: string; connect(port: number): RedisConnection }[] = [
  { name: 'a URL', connect: (port) => `redis://127.0.0.1:${port}` },
  { name: 'ioredis options', connect: (port) => ({ host: '127.0.0.1', port }) },
  {
    name: "the application's own client",
    connect: (port) => {
      const client = new Redis({ host: '127.0.0.1', port });
      client.on('error', () => undefined); // the application handles its client's connection errors
      applicationClients.push(client);
      return client;
    },
  },
];

describe.each(configurations)('RedisL2 given $name, when Redis freezes', ({ connect }) => {
  it('answers a miss from the method within the command timeout, and replays an invalidation made meanwhile once Redis thaws', async () => {
    const db = new Map<number, unknown>([[1, 'v1']]);
    const namespace = `frozen-${Math.random().toString(36).slice(2, 8)}`;
    const instance = async (connection: RedisConnection) => {
      const service = CachingService.create({ namespace, l2: new RedisL2({ connection, commandTimeoutMs: COMMAND_TIMEOUT_MS }) });
      started.push(service);
      await service.initialize();
      return { service, catalogue: service.bind(new Catalogue(db)) };
    };
    const a = await instance(connect(redis.server.port));
    const b = await instance(`redis://127.0.0.1:${redis.server.port}`);
    expect(await b.catalogue.getProduct(1)).toBe('v1'); // in Redis now

    redis.server.pause();
    // Still frozen when each of these resolves: nothing waited for Redis to answer.
    expect(await a.catalogue.getProduct(1)).toBe('v1');
    expect(a.catalogue.runs.product).toBe(1); // the read timed out: the method answered
    expect(a.service.stats().l2?.errors).toBeGreaterThan(0);
    const down = nextEvent(a.service, 'l2-down');
    await a.catalogue.updateProduct(1, 'v2');
    expect((await down).reason.message).toMatch(/timed? ?out/i);
    expect(a.service.stats().l2).toMatchObject({ state: 'down', pendingInvalidations: 1 });

    const up = nextEvent(a.service, 'l2-up');
    redis.server.resume();
    await up;
    expect(a.service.stats().l2).toMatchObject({ state: 'up', pendingInvalidations: 0 });
    const c = await instance(`redis://127.0.0.1:${redis.server.port}`);
    expect(await c.catalogue.getProduct(1)).toBe('v2'); // the replay removed v1 from Redis
    expect(c.catalogue.runs.product).toBe(1);
  });
});
