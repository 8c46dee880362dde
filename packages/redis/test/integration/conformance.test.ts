import { describeTransportConformance } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';

beforeAll(() => assertRedisReachable());

// Connections cachet creates: publishes skip Redis' answer and are confirmed by their echo.
describeTransportConformance('RedisSynchronization', {
  createTransport: (bus) => new RedisSynchronization({ connection: REDIS_URL, channel: bus }),
});

// A client the application passes in: publishes are answered, as ioredis sends them.
const userClients: Redis[] = [];
describeTransportConformance('RedisSynchronization over a client the application gave', {
  createTransport: (bus) => {
    const client = new Redis(REDIS_URL);
    userClients.push(client);
    return new RedisSynchronization({ connection: client, channel: bus });
  },
  afterEach: async () => {
    await Promise.all(userClients.splice(0).map((client) => client.quit()));
  },
});
