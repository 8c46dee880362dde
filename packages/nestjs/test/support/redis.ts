// The shared Redis of the integration tests, as the Redis package's suites reach it.
export { assertRedisReachable, REDIS_URL, uniqueChannel } from '../../../redis/test/support/redis-url';
