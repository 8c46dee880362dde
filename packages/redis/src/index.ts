export { RedisSynchronization } from './redis-synchronization';
export type { RedisClient, RedisConnection } from './redis-connection';
export type { RedisSynchronizationOptions } from './redis-synchronization-options';
export { DEFAULT_CHANNEL } from './redis-synchronization-options';
export { MAX_PAYLOAD_BYTES } from './redis-transport-connection';
export { RedisSubscriptionLostError, RedisSynchronizationOptionError } from './errors';
export { RedisL2 } from './redis-l2';
export type { RedisL2Options } from './redis-l2-options';
export { RedisL2LinkLostError, RedisL2OptionError } from './errors';
