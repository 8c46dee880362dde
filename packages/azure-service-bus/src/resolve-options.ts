import { parseServiceBusConnectionString, RetryMode, type RetryOptions } from '@azure/service-bus';
import { CacheConfigurationError, type CachetError } from '@cachet/core';
import type { AzureServiceBusSynchronizationOptions } from './options';

/** Service Bus refuses a shorter auto-delete-on-idle than this. */
const MIN_AUTO_DELETE_ON_IDLE_MS = 5 * 60_000;
/** Room left for the AMQP envelope and properties under the link's maximum message size. */
export const ENVELOPE_ALLOWANCE_BYTES = 4096;
/** The Standard tier's message size limit. */
const STANDARD_TIER_MAX_MESSAGE_BYTES = 256 * 1024;

/** Where the `ServiceBusClient` comes from. */
export type ClientSource =
  | { readonly kind: 'connection-string'; readonly connectionString: string; readonly retryOptions: RetryOptions; readonly httpAdministration: boolean }
  | { readonly kind: 'credential'; readonly options: Extract<AzureServiceBusSynchronizationOptions, { credential: unknown }>; readonly retryOptions: RetryOptions }
  | { readonly kind: 'client'; readonly options: Extract<AzureServiceBusSynchronizationOptions, { client: unknown }> };

/** The options with every default filled in, validated once at construction. */
export interface ResolvedServiceBusOptions {
  readonly topic: string;
  /** `undefined` means the automatic strategy. */
  readonly subscription: string | undefined;
  readonly timeToLiveMs: number;
  readonly maxPayloadBytes: number;
  readonly autoDeleteOnIdleMs: number;
  readonly onWarning: (warning: CachetError) => void;
  readonly source: ClientSource;
}

const DEFAULT_RETRY_OPTIONS: RetryOptions = { retryDelayInMs: 1_000, maxRetryDelayInMs: 30_000, mode: RetryMode.Exponential };

/**
 * Validates the options and fills in the defaults.
 * @throws CacheConfigurationError naming the offending option.
 */
export function resolveOptions(options: AzureServiceBusSynchronizationOptions): ResolvedServiceBusOptions {
  const given = [options.connectionString, options.credential, options.client].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new CacheConfigurationError('synchronization', 'AzureServiceBusSynchronization needs exactly one of `connectionString`, `credential` (with `fullyQualifiedNamespace`) or `client`.');
  }
  const { source, topic } = resolveSource(options);
  const subscription = options.subscription;
  if (subscription !== undefined && !/^[A-Za-z0-9][\w.-]{0,49}$/.test(subscription)) {
    throw new CacheConfigurationError('synchronization.subscription', `"${subscription}" is not a valid subscription name (1 to 50 letters, digits, '.', '-', '_').`);
  }
  if (subscription === undefined && source.kind === 'client' && !source.options.administrationClient) {
    throw new CacheConfigurationError(
      'synchronization.administrationClient',
      'the automatic strategy (no `subscription`) creates subscriptions and needs a ServiceBusAdministrationClient. Pass one, or pass `subscription` to use the manual strategy.',
    );
  }
  const autoDeleteOnIdleMs = positive('autoDeleteOnIdleMs', options.autoDeleteOnIdleMs, MIN_AUTO_DELETE_ON_IDLE_MS);
  if (autoDeleteOnIdleMs < MIN_AUTO_DELETE_ON_IDLE_MS) {
    throw new CacheConfigurationError('synchronization.autoDeleteOnIdleMs', `Service Bus accepts 300000 (5 minutes) at least, got ${autoDeleteOnIdleMs}.`);
  }
  const maxPayloadBytes = positive('maxPayloadBytes', options.maxPayloadBytes, 192 * 1024);
  if (maxPayloadBytes > STANDARD_TIER_MAX_MESSAGE_BYTES - ENVELOPE_ALLOWANCE_BYTES) {
    throw new CacheConfigurationError('synchronization.maxPayloadBytes', `must leave ${ENVELOPE_ALLOWANCE_BYTES} bytes for the envelope under the 256 KB message limit; got ${maxPayloadBytes}.`);
  }
  return {
    topic,
    subscription,
    timeToLiveMs: positive('timeToLiveMs', options.timeToLiveMs, 30_000),
    maxPayloadBytes,
    autoDeleteOnIdleMs,
    onWarning: options.onWarning ?? ((warning) => process.emitWarning(warning)),
    source,
  };
}

function resolveSource(options: AzureServiceBusSynchronizationOptions): { source: ClientSource; topic: string } {
  if (options.connectionString !== undefined) {
    let entityPath: string | undefined;
    try {
      entityPath = parseServiceBusConnectionString(options.connectionString).entityPath;
    } catch (error) {
      throw new CacheConfigurationError('synchronization.connectionString', 'is not a Service Bus connection string (Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…).', { cause: error });
    }
    const topic = options.topic ?? entityPath;
    if (!topic) throw new CacheConfigurationError('synchronization.topic', 'is required when the connection string has no EntityPath.');
    if (entityPath && options.topic && entityPath !== options.topic) {
      throw new CacheConfigurationError('synchronization.topic', `"${options.topic}" differs from the connection string's EntityPath "${entityPath}".`);
    }
    const httpAdministration = options.dangerouslyUseHttpForAdministration ?? false;
    if (httpAdministration && !/(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(options.connectionString)) {
      throw new CacheConfigurationError('synchronization.dangerouslyUseHttpForAdministration', 'is accepted only with UseDevelopmentEmulator=true in the connection string: never weaken TLS against Azure.');
    }
    return { topic, source: { kind: 'connection-string', connectionString: options.connectionString, retryOptions: options.retryOptions ?? DEFAULT_RETRY_OPTIONS, httpAdministration } };
  }
  if (!options.topic) throw new CacheConfigurationError('synchronization.topic', 'is required.');
  if (options.credential !== undefined) {
    if (!options.fullyQualifiedNamespace) throw new CacheConfigurationError('synchronization.fullyQualifiedNamespace', 'is required with `credential`.');
    return { topic: options.topic, source: { kind: 'credential', options, retryOptions: options.retryOptions ?? DEFAULT_RETRY_OPTIONS } };
  }
  return { topic: options.topic, source: { kind: 'client', options: options as Extract<AzureServiceBusSynchronizationOptions, { client: unknown }> } };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new CacheConfigurationError(`synchronization.${name}`, `must be a positive number of ${name.endsWith('Bytes') ? 'bytes' : 'milliseconds'}, got ${value}.`);
  return value;
}
