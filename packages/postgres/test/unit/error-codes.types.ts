// Compiled by `pnpm typecheck`, never run: the package registers its error codes with @cachet/core,
// so `CachetError['code']` includes them and each class's `code` is its own.
import type { CachetErrorCodes } from '@cachet/core';
import { PostgresListenerLostError } from '@cachet/postgres';

export const postgresListenerLostError: CachetErrorCodes['E_POSTGRES_LISTENER_LOST'] = new PostgresListenerLostError('cachet', undefined);
export const postgresListenerLostErrorCode: 'E_POSTGRES_LISTENER_LOST' = postgresListenerLostError.code;
