import type { TokenCredential } from '@azure/core-auth';
import type { RetryOptions, ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import type { CachetError } from '@cachet/core';

/** Options every way of connecting shares. */
export interface CommonServiceBusOptions {
  /**
   * The subscription this instance receives from. Given: the **manual** strategy (no Manage right needed;
   * every application instance needs its own subscription). Omitted: the **automatic** strategy (a uniquely
   * named subscription per connection, created with the Manage right and deleted on close).
   * @default undefined (automatic)
   */
  readonly subscription?: string;
  /**
   * The time-to-live of each published message, in milliseconds. An invalidation older than this is useless
   * (the engine clears the local cache after any outage long enough to lose messages), so keep it short.
   * @default 30_000
   */
  readonly timeToLiveMs?: number;
  /**
   * The largest payload the engine may put in one message, in bytes; capped below the link's own limit
   * (256 KB on the Standard tier) to leave room for the AMQP envelope.
   * @default 196_608 (192 KiB)
   */
  readonly maxPayloadBytes?: number;
  /**
   * Automatic strategy: how long Service Bus keeps a subscription without a receiver before deleting it,
   * so a crashed instance's subscription cleans itself up. Service Bus accepts 5 minutes at least.
   * @default 300_000 (5 minutes)
   */
  readonly autoDeleteOnIdleMs?: number;
  /**
   * Where problems that are not failures go: a second consumer on this instance's subscription
   * ({@link SharedSubscriptionWarning}), or an automatic subscription that `close()` could not delete.
   * @default process.emitWarning
   */
  readonly onWarning?: (warning: CachetError) => void;
}

/** Options that apply only when this package creates the `ServiceBusClient` itself. */
export interface OwnedClientOptions {
  /**
   * Retry options for the `ServiceBusClient` this package creates. They also pace how fast a lost receiver
   * link is re-attached.
   * @default { retryDelayInMs: 1_000, maxRetryDelayInMs: 30_000, mode: RetryMode.Exponential }
   */
  readonly retryOptions?: RetryOptions;
}

/** Connect with a connection string, as copied from a shared access policy in the Azure portal. */
export interface ConnectionStringServiceBusOptions extends CommonServiceBusOptions, OwnedClientOptions {
  /** `Endpoint=sb://….servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=<topic>]`. */
  readonly connectionString: string;
  /** The topic; optional when the connection string has an `EntityPath`, and must match it when both are given. */
  readonly topic?: string;
  /**
   * **Development only.** Sends the automatic strategy's administration requests over plain HTTP instead of
   * HTTPS, for a local Service Bus stand-in. Accepted only with `UseDevelopmentEmulator=true` in the
   * connection string; never set it against Azure.
   * @default false
   */
  readonly dangerouslyUseHttpForAdministration?: boolean;
  readonly fullyQualifiedNamespace?: never;
  readonly credential?: never;
  readonly client?: never;
}

/** Connect with Microsoft Entra ID: a namespace and a `TokenCredential` such as `DefaultAzureCredential`. */
export interface CredentialServiceBusOptions extends CommonServiceBusOptions, OwnedClientOptions {
  /** The namespace host, such as `my-namespace.servicebus.windows.net`. */
  readonly fullyQualifiedNamespace: string;
  /** The credential; its identity needs the Azure Service Bus Data Sender and Receiver roles (Owner for the automatic strategy). */
  readonly credential: TokenCredential;
  /** The topic. */
  readonly topic: string;
  readonly connectionString?: never;
  readonly client?: never;
}

/** Reuse a `ServiceBusClient` the application already has; this package never closes it. */
export interface ClientServiceBusOptions extends CommonServiceBusOptions {
  /** The client to create the sender and receiver with. */
  readonly client: ServiceBusClient;
  /** The topic. */
  readonly topic: string;
  /** The administration client the automatic strategy creates and deletes subscriptions with; required when `subscription` is omitted. */
  readonly administrationClient?: ServiceBusAdministrationClient;
  readonly connectionString?: never;
  readonly credential?: never;
}

/** How to reach Service Bus: exactly one of a connection string, a credential, or an existing client. */
export type AzureServiceBusSynchronizationOptions =
  | ConnectionStringServiceBusOptions
  | CredentialServiceBusOptions
  | ClientServiceBusOptions;
