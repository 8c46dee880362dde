import { isServiceBusError } from '@azure/service-bus';
import { SynchronizationError, type CachetError } from '@cachet/core';
import { ServiceBusEntityNotFoundError, ServiceBusManageRightError, ServiceBusUnauthorizedError } from './errors';

/** The transport's name in logs, events and errors. */
export const TRANSPORT_NAME = 'azure-service-bus';

/** The SDK error code for a missing topic or subscription. */
export const ENTITY_NOT_FOUND = 'MessagingEntityNotFound';

/**
 * The SDK's error code, if the error is a `ServiceBusError`. When retries are exhausted, the SDK throws an
 * `AggregateError` of every attempt's error: the last attempt's code counts.
 */
export function serviceBusCode(error: unknown): string | undefined {
  if (error instanceof AggregateError) return serviceBusCode(error.errors.at(-1));
  return isServiceBusError(error) ? error.code : undefined;
}

/** Turns a failure to open the sender into the error `connect()` rejects with. */
export function senderError(topic: string, error: unknown): CachetError {
  switch (serviceBusCode(error)) {
    case 'UnauthorizedAccess':
      return new ServiceBusUnauthorizedError(topic, 'Send', { cause: error });
    case ENTITY_NOT_FOUND:
      return new ServiceBusEntityNotFoundError(topic, 'Create the topic (with a short message time-to-live, such as 30 seconds) or fix the `topic` option.', { cause: error });
    default:
      return connectError(`could not open a sender on topic "${topic}": ${describe(error)}`, error);
  }
}

/**
 * Turns a receive error into the reason reported down: the package's own error where the cause is known (the
 * one `initialize()` rejects with when nothing comes back), the SDK's error otherwise.
 */
export function receiverError(topic: string, subscription: string, manual: boolean, error: Error): Error {
  const entity = `${topic}/Subscriptions/${subscription}`;
  switch (serviceBusCode(error)) {
    case 'UnauthorizedAccess':
      return new ServiceBusUnauthorizedError(entity, 'Listen', { cause: error });
    case ENTITY_NOT_FOUND:
      return manual
        ? new ServiceBusEntityNotFoundError(entity, 'The manual strategy needs the subscription to exist: create it (one per application instance), or omit `subscription` to use the automatic strategy.', { cause: error })
        : error;
    default:
      return error;
  }
}

/** Turns a failure of the administration API into the error the automatic strategy reports. */
export function administrationError(topic: string, error: unknown): CachetError {
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (status === 401 || status === 403) return new ServiceBusManageRightError(topic, { cause: error });
  if (status === 404) return new ServiceBusEntityNotFoundError(topic, 'Create the topic, or fix the `topic` option.', { cause: error });
  return connectError(`could not manage subscriptions of topic "${topic}": ${describe(error)}`, error);
}

/** A generic connect failure, in core's error type. */
export function connectError(message: string, cause: unknown): SynchronizationError {
  return new SynchronizationError('E_SYNC_CONNECT', TRANSPORT_NAME, message, { cause });
}

/** A short description of an unknown thrown value (the last attempt's, for an `AggregateError` of retries). */
export function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors.at(-1));
  return error instanceof Error ? error.message : String(error);
}
