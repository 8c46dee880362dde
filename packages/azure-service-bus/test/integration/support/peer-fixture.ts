import { RetryMode } from '@azure/service-bus';
import type { CachetError } from '@cachet/core';
import type { ConnectionStringServiceBusOptions } from '@cachet/azure-service-bus';
import { ServiceBusTestPeer, type ServiceBusTestPeerOptions } from '../../peer';

/** The topic every test uses. */
export const TOPIC = 'invalidations';

/** Fast retries so outages are noticed and healed within a test's time. */
export const FAST_RETRIES = { maxRetries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 400, timeoutInMs: 5_000, mode: RetryMode.Fixed } as const;

/**
 * Starts the AMQP test peer. It runs in-process on a free loopback port, so it cannot be "unreachable";
 * if it fails to start, the error says why.
 */
export async function startPeer(options: ServiceBusTestPeerOptions = {}): Promise<ServiceBusTestPeer> {
  try {
    return await ServiceBusTestPeer.start({ topics: [TOPIC], ...options });
  } catch (error) {
    throw new Error(`Could not start the Service Bus test peer on 127.0.0.1 (packages/azure-service-bus/test/peer): ${String(error)}`);
  }
}

/** Transport options for a peer: its connection string, fast retries, HTTP administration, warnings collected. */
export function peerOptions(
  peer: ServiceBusTestPeer,
  overrides: Partial<ConnectionStringServiceBusOptions> & { keyName?: string; key?: string } = {},
  warnings: CachetError[] = [],
): ConnectionStringServiceBusOptions {
  const { keyName, key, ...rest } = overrides;
  return {
    connectionString: peer.connectionString(keyName, key === undefined ? {} : { key }),
    topic: TOPIC,
    retryOptions: FAST_RETRIES,
    dangerouslyUseHttpForAdministration: true,
    onWarning: (warning) => warnings.push(warning),
    ...rest,
  };
}
