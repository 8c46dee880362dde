import { RedisSynchronization } from '@cachet/redis';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';
import { describeServiceSynchronization } from '../support/service-suite';

beforeAll(() => assertRedisReachable());

describeServiceSynchronization('RedisSynchronization', (channel) => new RedisSynchronization({ connection: REDIS_URL, channel }));
