import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { usePrivateRedis } from '../support/private-redis-server';
import { eventually } from '../support/services';
import { TcpProxy, type ProxiedConnection } from '../support/tcp-proxy';
import { Wakers } from '../support/wakers';

/** A bare RESP client on a raw socket: it sees exactly the bytes the proxy lets through, and how the socket ends. */
class RawClient {
  received = '';
  closed = false;
  errorCode: string | undefined;
  readonly #socket: Socket;
  readonly #changes = new Wakers();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.#changes.wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (this.errorCode = error.code));
    socket.on('close', () => {
      this.closed = true;
      this.#changes.wake();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  send(...args: string[]): void {
    this.#socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
  }

  until(description: string, condition: () => boolean): Promise<void> {
    return this.#changes.until(description, condition);
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

const redis = usePrivateRedis();
let proxy: TcpProxy;
let direct: Redis;
const cleanUps: (() => void)[] = [];

beforeEach(async () => {
  proxy = await TcpProxy.start(redis.server.port);
  direct = new Redis(redis.server.url);
  await direct.flushall();
});
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0)) cleanUp();
  direct.disconnect();
  await proxy.close();
});

async function raw(): Promise<RawClient> {
  const client = await RawClient.connect(proxy.port);
  cleanUps.push(() => client.destroy());
  return client;
}

function redisClient(url: string): Redis {
  const client = new Redis(url);
  cleanUps.push(() => client.disconnect());
  return client;
}

/** Resolves once the server counts `count` subscribers on `channel`. */
function subscribers(channel: string, count: number): Promise<void> {
  let seen = -1;
  const poll = setInterval(() => void direct.pubsub('NUMSUB', channel).then((reply) => (seen = Number(reply[1]))), 10);
  return eventually(`${count} subscriber(s) on ${channel}`, () => seen === count).finally(() => clearInterval(poll));
}

async function held(connection: ProxiedConnection, direction: 'heldToServer' | 'heldToClient'): Promise<void> {
  await proxy.waitForConnection(`is connection ${connection.id}, holding bytes (${direction})`, (c) => c === connection && c[direction] > 0);
}

describe('TcpProxy in front of a real redis-server', () => {
  it('forwards both ways, and lists each connection with what its client sent, so a subscriber is told from a publisher', async () => {
    const subscriber = redisClient(proxy.url);
    const publisher = redisClient(proxy.url);
    const message = new Promise((resolve) => subscriber.on('message', (_channel: string, payload: string) => resolve(payload)));
    await subscriber.subscribe('news');
    await publisher.publish('news', 'hello');

    await expect(message).resolves.toBe('hello');
    const connections = proxy.connections();
    expect(connections).toHaveLength(2);
    expect(connections.filter((c) => c.hasSent('SUBSCRIBE'))).toHaveLength(1);
    expect(connections.filter((c) => c.hasSent('publish') && !c.hasSent('subscribe'))).toHaveLength(1);
    expect(connections.find((c) => c.hasSent('PUBLISH'))?.sent.toString()).toContain('hello');
  });

  it('blackholes every live connection both ways with their sockets open, forwards new ones, and delivers what it held on heal("resume")', async () => {
    const writer = await raw();
    const listener = await raw();
    listener.send('SUBSCRIBE', 'news');
    await listener.until('the subscription', () => listener.received.includes('subscribe'));
    const [writerLink, listenerLink] = proxy.connections() as [ProxiedConnection, ProxiedConnection];

    proxy.blackhole();
    writer.send('SET', 'k', 'held');
    await held(writerLink, 'heldToServer');
    expect(await direct.get('k')).toBeNull(); // the request never reached the server
    expect(await direct.publish('news', 'while-dark')).toBe(1); // the server still counts the subscriber
    await held(listenerLink, 'heldToClient');
    expect(listener.received).not.toContain('while-dark');
    expect(writer.received).toBe('');
    expect([writer.closed, listener.closed]).toEqual([false, false]);
    // A connection made after the blackhole is forwarded.
    const late = await raw();
    late.send('PING');
    await late.until('PONG', () => late.received === '+PONG\r\n');

    proxy.heal('resume');
    await writer.until('the SET answered', () => writer.received === '+OK\r\n');
    await listener.until('the held message', () => listener.received.includes('while-dark'));
    expect(await direct.get('k')).toBe('held');
  });

  it('blackholes one connection and leaves the others alone', async () => {
    const silenced = await raw();
    const other = await raw();
    silenced.send('PING');
    await silenced.until('PONG', () => silenced.received === '+PONG\r\n');
    const link = await proxy.waitForConnection('sent PING', (c) => c.hasSent('PING'));

    proxy.blackhole({ connection: link });
    silenced.send('SET', 'k', 'held');
    other.send('SET', 'k', 'through');
    await other.until('the SET answered', () => other.received === '+OK\r\n');
    await held(link, 'heldToServer');

    expect(await direct.get('k')).toBe('through');
    expect(silenced.received).toBe('+PONG\r\n');
  });

  it('on heal("reset") the server forgets a blackholed connection, the client that sent meanwhile is reset, a silent one is reset when it next sends', async () => {
    const writer = await raw();
    const listener = await raw();
    listener.send('SUBSCRIBE', 'news');
    await listener.until('the subscription', () => listener.received.includes('subscribe'));
    const [writerLink] = proxy.connections() as [ProxiedConnection];

    proxy.blackhole();
    writer.send('SET', 'k', 'lost');
    await held(writerLink, 'heldToServer');
    proxy.heal('reset');

    await writer.until('the writer reset', () => writer.closed);
    expect(writer.errorCode).toBe('ECONNRESET');
    await subscribers('news', 0); // the server's side of the listener is gone...
    expect(listener.closed).toBe(false); // ...and the listener does not know
    listener.send('PING');
    await listener.until('the listener reset', () => listener.closed);
    expect(listener.errorCode).toBe('ECONNRESET');
    expect(await direct.get('k')).toBeNull();
    // New connections are forwarded.
    const late = await raw();
    late.send('PING');
    await late.until('PONG', () => late.received === '+PONG\r\n');
  });

  it('with newConnections: "hang", accepts new connections silently instead of refusing them, and connects them on heal', async () => {
    proxy.blackhole({ newConnections: 'hang' });
    const late = await raw(); // accepted: the connect succeeded
    late.send('PING');
    const link = await proxy.waitForConnection('sent PING', (c) => c.hasSent('PING'));
    expect(link.heldToServer).toBeGreaterThan(0);
    expect(late.received).toBe('');

    proxy.heal('reset');
    await late.until('PONG', () => late.received === '+PONG\r\n');
  });

  it('sever() closes every connection, and clients reconnect through it', async () => {
    const client = redisClient(proxy.url);
    const bare = await raw();
    await client.ping();
    const reconnected = new Promise((resolve) => client.once('reconnecting', resolve));

    proxy.sever();

    await bare.until('the socket closed', () => bare.closed);
    await reconnected;
    await expect(client.ping()).resolves.toBe('PONG');
  });
});
