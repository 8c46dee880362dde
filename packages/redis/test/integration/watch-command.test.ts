import { Redis } from 'ioredis';
import { CachingService } from '@cachet/core';
import { RedisSynchronization } from '@cachet/redis';
import type { CensusSnapshot } from '../../src/watch/bus-census';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { installWatchCommand, WatchProcess } from '../support/watch-process';

type Line = CensusSnapshot & { channel: string; at: string };

/** A message from a sender no instance has, with sequence `q`: two with a jump between them are a gap. */
const stranger = (q: number): string => `cachet/2 {"n":"watched","s":"00000000-0000-4000-8000-000000000000","q":${q},"h":1}`;

describe('cachet-redis watch, against real Redis with two instances running', () => {
  let command: Awaited<ReturnType<typeof installWatchCommand>>;
  let services: CachingService[] = [];
  let watch: WatchProcess | undefined;
  let raw: Redis | undefined;

  beforeAll(async () => {
    await assertRedisReachable();
    command = await installWatchCommand();
  }, 30_000);

  afterEach(async () => {
    watch?.child.kill('SIGKILL');
    raw?.disconnect();
    raw = undefined;
    await Promise.all(services.map((service) => service.dispose()));
    services = [];
  });

  it('shows both instances from their probes, the messages per second, invalidations and gaps, and stops on SIGTERM', async () => {
    const channel = uniqueChannel('watch');
    // Probes every 100 ms: the idle instances show up within a refresh or two.
    services = ['a', 'b'].map(() =>
      CachingService.create({ namespace: 'watched', synchronization: { transport: new RedisSynchronization({ connection: REDIS_URL, channel }), heartbeatIntervalMs: 100 } }),
    );
    await Promise.all(services.map((service) => service.initialize()));
    watch = new WatchProcess(command, ['watch', REDIS_URL, '--channel', channel, '--json', '--interval', '200']);

    const both = await watch.nextLine<Line>('both instances, probing', (line) => line.instances.length === 2 && line.instances.every((instance) => instance.probes > 0));
    expect(both.channel).toBe(channel);
    expect(both.instances.map((instance) => instance.namespace)).toEqual(['watched', 'watched']);
    expect(both.messagesPerSecond).toBeGreaterThan(0);

    await (services[0] as CachingService).invalidate('k');
    const invalidated = await watch.nextLine<Line>('an invalidation', (line) => line.instances.some((instance) => instance.invalidations === 1));
    expect(invalidated.gaps).toBe(0);

    raw = new Redis(REDIS_URL);
    await raw.publish(channel, stranger(1));
    await raw.publish(channel, stranger(3));
    await raw.publish(channel, 'not a cachet message');
    const gap = await watch.nextLine<Line>('a gap', (line) => line.gaps === 1);
    expect(gap.instances).toHaveLength(3);
    expect(gap.instances.find((instance) => instance.id === '00000000-0000-4000-8000-000000000000')).toEqual(expect.objectContaining({ heartbeats: 2, sequence: 3, gaps: 1 }));
    expect(gap.undecodable).toEqual({ foreign: 1 });

    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
  }, 15_000);

  it('says what is wrong with its arguments, with its usage, and exits with 2', async () => {
    watch = new WatchProcess(command, ['watch', '--channel', 'x']);
    expect(await watch.exited).toBe(2);
    expect(watch.stderr).toContain('cachet-redis: the Redis URL is missing');
    expect(watch.stderr).toContain('Usage: cachet-redis watch <redis-url>');
  });

  it('says so and exits with 1 when Redis cannot be reached', async () => {
    watch = new WatchProcess(command, ['watch', 'redis://user:secret@127.0.0.1:1', '--json']);
    expect(await watch.exited).toBe(1);
    expect(watch.stderr).toContain('cachet-redis: cannot watch cachet:invalidation on redis://user:***@127.0.0.1:1');
  });
});
