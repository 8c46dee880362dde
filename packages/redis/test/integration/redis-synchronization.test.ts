import { RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';
import { RecordingListener } from '../support/recording-listener';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis-url';
import { useOpenConnections } from '../support/open-connections';

const connect = useOpenConnections();

beforeAll(() => assertRedisReachable());

describe('RedisSynchronization on a real Redis', () => {
  it('delivers a publish to every connection on the channel, the publisher included', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('fan-out') });
    const peers = await Promise.all([connect(transport), connect(transport), connect(transport)]);

    await peers[0]!.connection.publish('from-0');
    await peers[2]!.connection.publish('from-2');

    for (const { listener } of peers) {
      await listener.waitUntil('both messages', () => listener.messages.length === 2);
      expect(listener.messages).toEqual(['from-0', 'from-2']);
    }
  });

  it('delivers one publisher’s messages in the order they were published', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('order') });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);

    await Promise.all(sent.map((text) => sender.connection.publish(text)));

    await receiver.listener.waitUntil('200 messages', () => receiver.listener.messages.length === sent.length);
    expect(receiver.listener.messages).toEqual(sent);
    expect(sender.connection.ordered).toBe(true);
  });

  it('keeps channels apart', async () => {
    const shop = await connect(new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('shop') }));
    const blog = await connect(new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('blog') }));

    await blog.connection.publish('blog-only');
    await shop.connection.publish('shop-only');

    await shop.listener.waitForMessage('shop-only');
    await blog.listener.waitForMessage('blog-only');
    expect(shop.listener.messages).toEqual(['shop-only']);
    expect(blog.listener.messages).toEqual(['blog-only']);
  });

  it('delivers text payloads character for character, up to maxPayloadBytes of UTF-8', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('text') });
    const [sender, receiver] = await Promise.all([connect(transport), connect(transport)]);
    const controlAndLatin = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const wide = '日本語 🎉 ünïcødé "quoted" \\';
    // Three bytes per character in UTF-8: exactly the limit in bytes, about a third of it in characters.
    const limit = sender.connection.maxPayloadBytes;
    const large = '語'.repeat(Math.floor(limit / 3)) + 'a'.repeat(limit % 3);
    expect(Buffer.byteLength(large)).toBe(sender.connection.maxPayloadBytes);
    const sent = [controlAndLatin, wide, large, ''];

    for (const payload of sent) await sender.connection.publish(payload);

    await receiver.listener.waitUntil('four messages', () => receiver.listener.messages.length === 4);
    expect(receiver.listener.messages.map((message, i) => message === sent[i])).toEqual([true, true, true, true]);
  });

  it('is subscribed when connect() resolves: a publish right after it is received', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('subscribed') });
    const sender = await connect(transport);
    for (let round = 0; round < 20; round += 1) {
      const receiver = await connect(transport);
      await sender.connection.publish(`round-${round}`);
      await receiver.listener.waitForMessage(`round-${round}`);
    }
  });

  it('publishes through a client the user gave, and leaves it open on close()', async () => {
    const client = new Redis(REDIS_URL);
    const transport = new RedisSynchronization({ connection: client, channel: uniqueChannel('user-client') });
    const { connection, listener } = await connect(transport);

    await connection.publish('via-user-client');
    await listener.waitForMessage('via-user-client');
    await connection.close();

    expect(client.status).toBe('ready');
    await expect(client.ping()).resolves.toBe('PONG');
    await client.quit();
  });

  it('refuses a client that is in subscriber mode, since it cannot publish', async () => {
    const client = new Redis(REDIS_URL);
    await client.subscribe(uniqueChannel('busy'));
    expect(() => new RedisSynchronization({ connection: client })).toThrow(/RedisSynchronization\.connection.*subscriber/);
    await client.quit();
  });

  it('closes idempotently, stops delivering, and rejects publishes afterwards', async () => {
    const transport = new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('close') });
    const [closing, other] = await Promise.all([connect(transport), connect(transport)]);

    await Promise.all([closing.connection.close(), closing.connection.close()]);
    await closing.connection.close();
    await other.connection.publish('after-close');
    await other.listener.waitForMessage('after-close');

    expect(closing.listener.messages).toEqual([]);
    expect(closing.listener.downs).toEqual([]);
    await expect(closing.connection.publish('x')).rejects.toBeInstanceOf(Error);
  });

  it('rejects connect() with E_SYNC_CONNECT when Redis cannot be reached', async () => {
    const transport = new RedisSynchronization({ connection: 'redis://127.0.0.1:1', channel: uniqueChannel('unreachable') });

    const failure = transport.connect(new RecordingListener());

    await expect(failure).rejects.toMatchObject({ code: 'E_SYNC_CONNECT', transport: 'redis' });
    await expect(failure).rejects.toThrow(/127\.0\.0\.1:1.*ECONNREFUSED/);
  });
});
