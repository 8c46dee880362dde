import { describeTransportConformance } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';

beforeAll(() => assertRedisReachable());

describeTransportConformance('RedisSynchronization', {
  createTransport: (bus) => new RedisSynchronization({ connection: REDIS_URL, channel: bus }),
});
