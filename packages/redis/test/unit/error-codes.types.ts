// Compiled by `pnpm typecheck`, never run: the package registers its error codes with @cachet/core,
// so `CachetError['code']` includes them and each class's `code` is its own.
import type { CachetErrorCodes } from '@cachet/core';
import { RedisL2LinkLostError, RedisSubscriptionLostError } from '@cachet/redis';

export const redisSubscriptionLostError: CachetErrorCodes['E_REDIS_SUBSCRIPTION_LOST'] = new RedisSubscriptionLostError('cachet', undefined);
export const redisSubscriptionLostErrorCode: 'E_REDIS_SUBSCRIPTION_LOST' = redisSubscriptionLostError.code;
export const redisL2LinkLostError: CachetErrorCodes['E_REDIS_L2_LINK_LOST'] = new RedisL2LinkLostError('GET', undefined);
export const redisL2LinkLostErrorCode: 'E_REDIS_L2_LINK_LOST' = redisL2LinkLostError.code;
