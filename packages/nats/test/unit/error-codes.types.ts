// Compiled by `pnpm typecheck`, never run: the package registers its error codes with @cachet/core,
// so `CachetError['code']` includes them and each class's `code` is its own.
import type { CachetErrorCodes } from '@cachet/core';
import { NatsConnectionLostError } from '@cachet/nats';

export const natsConnectionLostError: CachetErrorCodes['E_NATS_CONNECTION_LOST'] = new NatsConnectionLostError('cachet', 'disconnect');
export const natsConnectionLostErrorCode: 'E_NATS_CONNECTION_LOST' = natsConnectionLostError.code;
