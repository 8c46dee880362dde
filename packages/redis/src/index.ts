export { RedisSynchronization } from './redis-synchronization';
export type { RedisClient, RedisConnection, RedisSynchronizationOptions } from './redis-synchronization-options';
export { DEFAULT_CHANNEL } from './redis-synchronization-options';
export { MAX_PAYLOAD_BYTES } from './redis-transport-connection';
export { RedisSubscriptionLostError, RedisSynchronizationOptionError } from './errors';
