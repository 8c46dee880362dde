import type { ConnectionStringServiceBusOptions } from '@cachet/azure-service-bus';
import { ServiceBusTestPeer } from '../../../packages/azure-service-bus/test/peer';

/** Where the example's Service Bus is, and how to shut it down afterwards. */
export interface ExampleServiceBus {
  readonly options: ConnectionStringServiceBusOptions;
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * A real namespace when AZURE_SERVICE_BUS_CONNECTION_STRING is set (topic from AZURE_SERVICE_BUS_TOPIC or
 * the connection string's EntityPath); otherwise the package's local test peer, on a free loopback port.
 */
export async function exampleServiceBus(): Promise<ExampleServiceBus> {
  const connectionString = process.env['AZURE_SERVICE_BUS_CONNECTION_STRING'];
  if (connectionString) {
    const topic = process.env['AZURE_SERVICE_BUS_TOPIC'];
    return { options: { connectionString, ...(topic ? { topic } : {}) }, description: 'Azure Service Bus (AZURE_SERVICE_BUS_CONNECTION_STRING)', stop: async () => {} };
  }
  const peer = await ServiceBusTestPeer.start({ topics: ['invalidations'] });
  return {
    // The local peer speaks plain HTTP for subscription management; this switch is for it only.
    options: { connectionString: peer.connectionString(), topic: 'invalidations', dangerouslyUseHttpForAdministration: true },
    description: `the local Service Bus test peer on 127.0.0.1:${peer.port} (set AZURE_SERVICE_BUS_CONNECTION_STRING to use Azure)`,
    stop: () => peer.close(),
  };
}
