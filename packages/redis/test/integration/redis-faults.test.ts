import { CachingService, type TransportConnection } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { RedisSubscriptionLostError, RedisSynchronization } from '@cachet/redis';
import { fastReconnect, useCrashingRedis } from '../support/crashing-redis';
import { RecordingListener } from '../support/recording-listener';

const open: TransportConnection[] = [];
const redis = useCrashingRedis(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
});

async function connect(transport: RedisSynchronization) {
  const listener = new RecordingListener();
  const connection = await transport.connect(listener);
  open.push(connection);
  return { connection, listener };
}


describe('RedisSynchronization when its redis-server crashes', () => {
  it('reports down when the server dies, and up once it is back and re-subscribed', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'faults' });
    const [a, b] = await Promise.all([connect(transport), connect(transport)]);

    await redis.server.stop();
    await a.listener.waitUntil('down', () => a.listener.downs.length > 0);
    await redis.server.restart();
    await a.listener.waitUntil('up', () => a.listener.ups === 1);
    await b.listener.waitUntil('up', () => b.listener.ups === 1);

    expect(a.listener.downs[0]).toBeInstanceOf(RedisSubscriptionLostError);
    expect(a.listener.downs[0]).toMatchObject({ code: 'E_REDIS_SUBSCRIPTION_LOST', channel: 'faults' });
    // Both clients are back when up() is reported: a publish right after it is accepted, and arrives.
    await b.connection.publish('after-restart');
    await a.listener.waitForMessage('after-restart');
    await b.listener.waitForMessage('after-restart');
  });

  it('rejects a publish while the server is down instead of hanging', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'down-publish' });
    const { connection, listener } = await connect(transport);

    await redis.server.stop();
    await listener.waitUntil('down', () => listener.downs.length > 0);

    await expect(connection.publish('lost')).rejects.toBeInstanceOf(Error);
  });

  it('a service reports a paused server down within three heartbeat intervals (E_SYNC_STALLED), and is up again once it answers', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'stalled' });
    const service = CachingService.create({ synchronization: { transport, heartbeatIntervalMs: 200 } });
    try {
      await service.initialize();
      const down = nextEvent(service, 'sync-down');
      const pausedAt = performance.now();
      redis.server.pause();
      expect((await down).reason).toMatchObject({ code: 'E_SYNC_STALLED' });
      expect(performance.now() - pausedAt).toBeLessThanOrEqual(3 * 200 + 100);
      const up = nextEvent(service, 'sync-up', () => true, 10_000);
      redis.server.resume();
      await up;
      expect(service.stats().sync).toMatchObject({ state: 'up', gaps: 1 });
    } finally {
      redis.server.resume();
      await service.dispose();
    }
  });

  it('rejects every publish in flight when the server is killed mid-traffic, and recovers', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'mid-traffic' });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);

    const outcomes = Array.from({ length: 500 }, (_, i) => sender.connection.publish(`m${i}`).then(() => 'ok', (e: unknown) => e));
    await redis.server.stop();
    const settled = await Promise.all(outcomes);

    // Each publish either reached Redis or was rejected with a clear error: none hangs, none is unhandled.
    for (const outcome of settled) if (outcome !== 'ok') expect(outcome).toBeInstanceOf(Error);
    await redis.server.restart();
    for (const { listener } of [sender, receiver]) await listener.waitUntil('up', () => listener.ups === 1);
    await sender.connection.publish('recovered');
    await receiver.listener.waitForMessage('recovered');
  });

  it('rejects connect() with E_SYNC_CONNECT while the server is down, and connects once it is back', async () => {
    const transport = new RedisSynchronization({ connection: redis.server.url, channel: 'connect-down' });
    await redis.server.stop();

    await expect(transport.connect(new RecordingListener())).rejects.toMatchObject({ code: 'E_SYNC_CONNECT' });
    await redis.server.restart();
    await connect(transport);
  });

  it('closes cleanly while the server is down', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'close-down' });
    const { connection, listener } = await connect(transport);

    await redis.server.stop();
    await listener.waitUntil('down', () => listener.downs.length > 0);
    await connection.close();
    await redis.server.restart();

    expect(listener.ups).toBe(0);
  });
});
