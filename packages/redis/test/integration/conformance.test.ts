import { describeTransportConformance, type TransportFaults } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';
import { TcpProxy } from '../support/tcp-proxy';

let proxy: TcpProxy;
const userClients: Redis[] = [];

beforeAll(async () => {
  await assertRedisReachable();
  proxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
});
afterAll(() => proxy.close());

/** Outages of the shared Redis as seen through a proxy: every connection through it goes silent, and new ones hang. */
function faultsThroughProxy(connection: () => string | Redis): TransportFaults {
  return {
    createTransport: (bus) => new RedisSynchronization({ connection: connection(), channel: bus }),
    cut: () => proxy.blackhole({ newConnections: 'hang' }),
    heal: () => proxy.heal('reset'),
  };
}

function userClient(url: string): Redis {
  const client = new Redis(url);
  userClients.push(client);
  return client;
}

describeTransportConformance('RedisSynchronization', {
  createTransport: (bus) => new RedisSynchronization({ connection: REDIS_URL, channel: bus }),
  faults: faultsThroughProxy(() => proxy.url),
});

// A client the application passes in: cachet duplicates it for its own two connections.
describeTransportConformance('RedisSynchronization over a client the application gave', {
  createTransport: (bus) => new RedisSynchronization({ connection: userClient(REDIS_URL), channel: bus }),
  faults: faultsThroughProxy(() => userClient(proxy.url)),
  afterEach: async () => {
    await Promise.all(userClients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  },
});
