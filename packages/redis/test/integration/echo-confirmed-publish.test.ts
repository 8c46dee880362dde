import { RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';
import { fastReconnect } from '../support/crashing-redis';
import { usePrivateRedis } from '../support/private-redis-server';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { useOpenConnections } from '../support/open-connections';
import { waitFor } from '../support/wait-for';

const connect = useOpenConnections();

interface MonitoredCommand {
  /** The connection that sent it, as `host:port`. */
  readonly source: string;
  readonly args: readonly string[];
}

/** The commands Redis runs, as MONITOR reports them (the command's name in lower case), and a way to await one. */
async function monitor(url: string) {
  const client = new Redis(url);
  const monitoring = await client.monitor();
  const commands: MonitoredCommand[] = [];
  monitoring.on('monitor', (_time: string, args: string[], source: string) => commands.push({ source, args: [String(args[0]).toLowerCase(), ...args.slice(1)] }));
  return {
    commands,
    until: (description: string, predicate: (args: readonly string[]) => boolean) =>
      waitFor(description, () => commands.some(({ args }) => predicate(args)), (wake) => {
        monitoring.on('monitor', wake);
        return () => monitoring.off('monitor', wake);
      }),
    stop: () => {
      monitoring.disconnect();
      client.disconnect();
    },
  };
}

beforeAll(() => assertRedisReachable());

describe('RedisSynchronization publishing without answers, confirmed by echo', () => {
  it('has Redis skip the answer to every PUBLISH, and resolves a publish once its own subscriber has it', async () => {
    const channel = uniqueChannel('echo-confirmed');
    const watch = await monitor(REDIS_URL);
    try {
      const { connection, listener } = await connect(new RedisSynchronization({ connection: REDIS_URL, channel }));
      for (let i = 0; i < 5; i++) {
        await connection.publish(`m${i}`);
        // Confirmed by the echo, so the echo is there when the publish resolves.
        expect(listener.messages).toEqual(Array.from({ length: i + 1 }, (_, j) => `m${j}`));
      }
      await watch.until('the last PUBLISH', (args) => args[0] === 'publish' && args[2] === 'm4');

      const publishes = watch.commands.filter(({ args }) => args[0] === 'publish' && args[1] === channel);
      expect(publishes).toHaveLength(5);
      for (const publish of publishes) {
        const previous = watch.commands.slice(0, watch.commands.indexOf(publish)).filter(({ source }) => source === publish.source).pop();
        expect(previous?.args.map((arg) => arg.toLowerCase())).toEqual(['client', 'reply', 'skip']);
      }
    } finally {
      watch.stop();
    }
  });

  it('confirms concurrent publishes in order, each by its own echo', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('echo-order') });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);
    const sent = Array.from({ length: 300 }, (_, i) => `m${i}`);
    const confirmedAt: number[] = [];

    await Promise.all(sent.map((payload, i) => sender.connection.publish(payload).then(() => confirmedAt.push(i))));

    expect(confirmedAt).toEqual(sent.map((_, i) => i));
    expect(sender.listener.messages).toEqual(sent);
    await receiver.listener.waitUntil('300 messages', () => receiver.listener.messages.length === sent.length);
    expect(receiver.listener.messages).toEqual(sent);
  });

  it('confirms each publish by its own echo while other connections publish on the channel', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('echo-interleaved') });
    const peers = await Promise.all([connect(transport), connect(transport)]);
    const echoedWhenConfirmed: boolean[] = [];

    await Promise.all(
      peers.flatMap(({ connection, listener }, peer) =>
        Array.from({ length: 100 }, (_, i) => {
          const payload = `peer${peer}:m${i}`;
          return connection.publish(payload).then(() => echoedWhenConfirmed.push(listener.messages.includes(payload)));
        }),
      ),
    );

    expect(echoedWhenConfirmed).toEqual(Array.from({ length: 200 }, () => true));
  });
});

describe('RedisSynchronization when the subscription that confirms publishes drops', () => {
  const redis = usePrivateRedis();

  it('fails a publish still waiting for its echo at once, and publishes again once the link is back', async () => {
    const transport = new RedisSynchronization({ connection: { port: redis.server.port, ...fastReconnect }, channel: 'echo-lost' });
    const { connection, listener } = await connect(transport);
    const admin = new Redis(redis.server.url);
    try {
      // Writes wait while clients are paused: the PUBLISH is held in Redis, its echo cannot come yet.
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      const waiting = connection.publish('held');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');

      await expect(waiting).rejects.toMatchObject({ code: 'E_SYNC_PUBLISH', message: expect.stringContaining('subscription was lost') });
      expect(listener.downs[0]).toMatchObject({ code: 'E_REDIS_SUBSCRIPTION_LOST' });

      await admin.call('CLIENT', 'UNPAUSE');
      await listener.waitUntil('up', () => listener.ups === 1);
      await connection.publish('after');
      expect(listener.messages).toContain('after');
    } finally {
      admin.disconnect();
    }
  });
});

describe('RedisSynchronization when the server stops honouring CLIENT REPLY SKIP', () => {
  const redis = usePrivateRedis();

  it('keeps publishing, confirmed by echo, when its answers come back after all (as after a failover to such a server)', async () => {
    const transport = new RedisSynchronization({ connection: redis.server.url, channel: 'skip-revoked' });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);
    await sender.connection.publish('before');
    const admin = new Redis(redis.server.url);
    try {
      // From now on CLIENT REPLY SKIP is refused: each publish gets an error and an answer nobody waits for.
      await admin.call('ACL', 'SETUSER', 'default', '-client');
      const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);

      await Promise.all(sent.map((payload) => sender.connection.publish(payload)));

      await receiver.listener.waitUntil('20 more messages', () => receiver.listener.messages.length === sent.length + 1);
      expect(receiver.listener.messages).toEqual(['before', ...sent]);
      expect(sender.listener.downs).toEqual([]);
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+client');
      admin.disconnect();
    }
  });
});

describe('RedisSynchronization on a server that refuses CLIENT REPLY', () => {
  // An ACL that allows everything but CLIENT, as some managed services and proxies do.
  const redis = usePrivateRedis(() => ['--user', 'default', 'on', 'nopass', '~*', '&*', '+@all', '-client']);

  it('falls back to answered publishes, with ioredis matching every answer to its command', async () => {
    const transport = new RedisSynchronization({ connection: redis.server.url, channel: 'no-client-reply' });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);
    const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);

    await Promise.all(sent.map((payload) => sender.connection.publish(payload)));

    await receiver.listener.waitUntil('50 messages', () => receiver.listener.messages.length === sent.length);
    expect(receiver.listener.messages).toEqual(sent);
    await sender.listener.waitUntil('its own 50 messages', () => sender.listener.messages.length === sent.length);
    expect(sender.listener.downs).toEqual([]);
  });
});
