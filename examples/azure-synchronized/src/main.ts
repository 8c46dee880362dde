import { AzureServiceBusSynchronization, type AzureServiceBusSynchronizationOptions } from '@cachet/azure-service-bus';
import { CachingService } from '@cachet/core';
import { Catalogue, type Product } from './catalogue';
import { exampleServiceBus } from './service-bus';

/** One app instance: its own local cache, synchronized through the topic, over the shared database. */
interface AppInstance {
  readonly name: string;
  readonly service: CachingService;
  readonly catalogue: Catalogue;
}

async function startInstance(name: string, database: Map<number, Product>, options: AzureServiceBusSynchronizationOptions): Promise<AppInstance> {
  const service = CachingService.create({ namespace: 'azure-example', synchronization: new AzureServiceBusSynchronization(options) });
  await service.initialize(); // resolves once this instance's subscription receives
  service.on('invalidate', (event) => {
    if (event.source === 'remote') console.log(`  [${name}] invalidation received from another instance: ${event.keys.length} key(s)`);
  });
  return { name, service, catalogue: service.bind(new Catalogue(database)) };
}

async function read(instance: AppInstance, id: number): Promise<void> {
  const before = instance.service.stats().hits;
  const product = await instance.catalogue.getProduct(id);
  const from = instance.service.stats().hits > before ? 'local cache' : 'database';
  console.log(`  [${instance.name}] product ${id}: ${product?.name} at ${product?.price} (from ${from})`);
}

async function main(): Promise<void> {
  const bus = await exampleServiceBus();
  console.log(`Synchronizing through ${bus.description}.`);
  const database = new Map<number, Product>([[1, { id: 1, name: 'Green tea', price: 3 }]]);
  const instances = [await startInstance('instance 1', database, bus.options), await startInstance('instance 2', database, bus.options)];
  const [first, second] = instances as [AppInstance, AppInstance];
  try {
    console.log('Both instances read product 1 twice:');
    for (const instance of instances) {
      await read(instance, 1);
      await read(instance, 1);
    }

    console.log('Instance 1 changes the price:');
    const heard = new Promise<void>((resolve) => {
      const off = second.service.on('invalidate', (event) => event.source === 'remote' && (off(), resolve()));
    });
    await first.catalogue.updatePrice(1, 4);
    await heard;

    console.log('Both instances read product 1 again:');
    for (const instance of instances) await read(instance, 1);
  } finally {
    // Dispose before exiting: it flushes queued invalidations and deletes the instances' subscriptions.
    await Promise.all(instances.map(({ service }) => service.dispose()));
    await bus.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
