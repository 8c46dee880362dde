// Compiled by `pnpm typecheck`, never run: the package registers its error codes with @cachet/core,
// so `CachetError['code']` includes them and each class's `code` is its own.
import type { CachetErrorCodes } from '@cachet/core';
import { ServiceBusEntityNotFoundError, ServiceBusManageRightError, ServiceBusUnauthorizedError, SharedSubscriptionWarning, SubscriptionCleanupWarning } from '@cachet/azure-service-bus';

export const serviceBusUnauthorizedError: CachetErrorCodes['E_AZURE_UNAUTHORIZED'] = new ServiceBusUnauthorizedError('invalidations', 'Send');
export const serviceBusUnauthorizedErrorCode: 'E_AZURE_UNAUTHORIZED' = serviceBusUnauthorizedError.code;
export const serviceBusManageRightError: CachetErrorCodes['E_AZURE_MANAGE_RIGHT'] = new ServiceBusManageRightError('invalidations');
export const serviceBusManageRightErrorCode: 'E_AZURE_MANAGE_RIGHT' = serviceBusManageRightError.code;
export const serviceBusEntityNotFoundError: CachetErrorCodes['E_AZURE_NOT_FOUND'] = new ServiceBusEntityNotFoundError('invalidations', '');
export const serviceBusEntityNotFoundErrorCode: 'E_AZURE_NOT_FOUND' = serviceBusEntityNotFoundError.code;
export const sharedSubscriptionWarning: CachetErrorCodes['E_AZURE_SHARED_SUBSCRIPTION'] = new SharedSubscriptionWarning('invalidations', 'app-1');
export const sharedSubscriptionWarningCode: 'E_AZURE_SHARED_SUBSCRIPTION' = sharedSubscriptionWarning.code;
export const subscriptionCleanupWarning: CachetErrorCodes['E_AZURE_CLEANUP'] = new SubscriptionCleanupWarning('invalidations', 60_000);
export const subscriptionCleanupWarningCode: 'E_AZURE_CLEANUP' = subscriptionCleanupWarning.code;
