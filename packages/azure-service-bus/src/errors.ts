import { CachetError } from '@cachet/core';

/**
 * Service Bus refused the credentials: the shared access key is wrong, or the policy lacks the Send or
 * Listen right on the topic or subscription.
 */
export class ServiceBusUnauthorizedError extends CachetError {
  declare readonly code: 'E_AZURE_UNAUTHORIZED';
  /** The entity that was refused, such as `invalidations` or `invalidations/Subscriptions/app-1`. */
  readonly entity: string;

  constructor(entity: string, right: 'Send' | 'Listen', options?: { cause?: unknown }) {
    super(
      'E_AZURE_UNAUTHORIZED',
      `AzureServiceBusSynchronization.connect: Service Bus refused access to "${entity}". Check that the ` +
        `shared access key in the connection string is right (copy it again from the portal) and that its policy has the ${right} right.`,
      options,
    );
    this.entity = entity;
  }
}

/** The automatic subscription strategy needs the Manage right, and the credentials do not have it. */
export class ServiceBusManageRightError extends CachetError {
  declare readonly code: 'E_AZURE_MANAGE_RIGHT';
  /** The topic whose subscription could not be created. */
  readonly topic: string;

  constructor(topic: string, options?: { cause?: unknown }) {
    super(
      'E_AZURE_MANAGE_RIGHT',
      `AzureServiceBusSynchronization.connect: could not create a subscription on topic "${topic}": the credentials ` +
        'lack the Manage right. Either add Manage to the shared access policy, or use the manual strategy: create one ' +
        'subscription per application instance yourself and pass its name as the `subscription` option.',
      options,
    );
    this.topic = topic;
  }
}

/** The topic, or the subscription given for the manual strategy, does not exist. */
export class ServiceBusEntityNotFoundError extends CachetError {
  declare readonly code: 'E_AZURE_NOT_FOUND';
  /** The missing entity, such as `invalidations` or `invalidations/Subscriptions/app-1`. */
  readonly entity: string;

  constructor(entity: string, hint: string, options?: { cause?: unknown }) {
    super('E_AZURE_NOT_FOUND', `AzureServiceBusSynchronization: the Service Bus entity "${entity}" does not exist. ${hint}`, options);
    this.entity = entity;
  }
}

/**
 * Another consumer receives from this instance's subscription: each gets only part of the messages, so
 * invalidations are lost. Reported as a warning, not thrown.
 */
export class SharedSubscriptionWarning extends CachetError {
  declare readonly code: 'E_AZURE_SHARED_SUBSCRIPTION';
  /** The subscription that has more than one consumer. */
  readonly subscription: string;

  constructor(topic: string, subscription: string) {
    super(
      'E_AZURE_SHARED_SUBSCRIPTION',
      `AzureServiceBusSynchronization: another instance receives from "${topic}/Subscriptions/${subscription}". ` +
        'A subscription delivers each message to one consumer only, so both instances miss invalidations. Give every ' +
        'application instance its own `subscription` name, or omit `subscription` to use the automatic strategy.',
    );
    this.subscription = subscription;
  }
}

/** `close()` could not delete the subscription the automatic strategy created; auto-delete-on-idle will remove it. */
export class SubscriptionCleanupWarning extends CachetError {
  declare readonly code: 'E_AZURE_CLEANUP';
  constructor(entity: string, autoDeleteOnIdleMs: number, options?: { cause?: unknown }) {
    super(
      'E_AZURE_CLEANUP',
      `AzureServiceBusSynchronization.close: could not delete the subscription "${entity}"; Service Bus deletes it after ` +
        `${Math.round(autoDeleteOnIdleMs / 1000)} s without a receiver (autoDeleteOnIdleMs).`,
      options,
    );
  }
}

declare module '@cachet/core' {
  interface CachetErrorCodes {
    E_AZURE_UNAUTHORIZED: ServiceBusUnauthorizedError;
    E_AZURE_MANAGE_RIGHT: ServiceBusManageRightError;
    E_AZURE_NOT_FOUND: ServiceBusEntityNotFoundError;
    E_AZURE_SHARED_SUBSCRIPTION: SharedSubscriptionWarning;
    E_AZURE_CLEANUP: SubscriptionCleanupWarning;
  }
}
