import { ServiceBusClient } from '@azure/service-bus';
import { CacheConfigurationError } from '@cachet/core';
import { AzureServiceBusSynchronization, type AzureServiceBusSynchronizationOptions } from '@cachet/azure-service-bus';

const azure = 'Endpoint=sb://example.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=a2V5';
const emulator = 'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=app;SharedAccessKey=a2V5;UseDevelopmentEmulator=true';

function rejected(options: AzureServiceBusSynchronizationOptions): CacheConfigurationError {
  try {
    new AzureServiceBusSynchronization(options);
  } catch (error) {
    if (error instanceof CacheConfigurationError) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('AzureServiceBusSynchronization options (checked at construction, nothing contacted)', () => {
  it('takes the topic from EntityPath, and refuses a different one', () => {
    expect(new AzureServiceBusSynchronization({ connectionString: `${azure};EntityPath=invalidations` }).topic).toBe('invalidations');
    expect(rejected({ connectionString: `${azure};EntityPath=invalidations`, topic: 'other' }).option).toBe('synchronization.topic');
  });

  it('needs a topic when the connection string has no EntityPath', () => {
    expect(rejected({ connectionString: azure }).message).toMatch(/topic.*EntityPath/);
  });

  it('refuses plain-HTTP administration unless the connection string targets a development emulator', () => {
    expect(rejected({ connectionString: azure, topic: 't', dangerouslyUseHttpForAdministration: true }).option).toBe('synchronization.dangerouslyUseHttpForAdministration');
    expect(() => new AzureServiceBusSynchronization({ connectionString: emulator, topic: 't', dangerouslyUseHttpForAdministration: true })).not.toThrow();
  });

  it('refuses an auto-delete-on-idle shorter than the 5 minutes Service Bus accepts', () => {
    expect(rejected({ connectionString: azure, topic: 't', autoDeleteOnIdleMs: 60_000 }).option).toBe('synchronization.autoDeleteOnIdleMs');
  });

  it('keeps payloads under the 256 KB message limit', () => {
    expect(rejected({ connectionString: azure, topic: 't', maxPayloadBytes: 256 * 1024 }).option).toBe('synchronization.maxPayloadBytes');
  });

  it('needs an administration client for the automatic strategy with an existing client', async () => {
    const client = new ServiceBusClient(azure);
    try {
      expect(rejected({ client, topic: 't' }).option).toBe('synchronization.administrationClient');
      expect(() => new AzureServiceBusSynchronization({ client, topic: 't', subscription: 'app-1' })).not.toThrow();
    } finally {
      await client.close();
    }
  });

  it('refuses an invalid subscription name', () => {
    expect(rejected({ connectionString: azure, topic: 't', subscription: 'has/slash' }).option).toBe('synchronization.subscription');
  });
});
