export { AzureServiceBusSynchronization } from './azure-service-bus-synchronization';
export type {
  AzureServiceBusSynchronizationOptions,
  ClientServiceBusOptions,
  CommonServiceBusOptions,
  ConnectionStringServiceBusOptions,
  CredentialServiceBusOptions,
  OwnedClientOptions,
} from './options';
export {
  ServiceBusEntityNotFoundError,
  ServiceBusManageRightError,
  ServiceBusUnauthorizedError,
  SharedSubscriptionWarning,
  SubscriptionCleanupWarning,
} from './errors';
