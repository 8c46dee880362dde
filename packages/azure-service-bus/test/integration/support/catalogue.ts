import { Cache, CachingService, InvalidateCache } from '@cachet/core';
import { AzureServiceBusSynchronization } from '@cachet/azure-service-bus';
import type { ServiceBusTestPeer } from '../../peer';
import { peerOptions } from './peer-fixture';

/** A product row in the shared "database". */
export interface Product {
  readonly name: string;
  readonly price: number;
}

/** One application instance's data access: cached reads over a database every instance shares. */
export class Catalogue {
  loads = 0;

  constructor(private readonly db: Map<number, Product>) {}

  @Cache()
  async getProduct(id: number): Promise<Product | undefined> {
    this.loads++;
    return this.db.get(id);
  }

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getPrice(id: number): Promise<number | undefined> {
    this.loads++;
    return this.db.get(id)?.price;
  }

  @InvalidateCache('getProduct')
  async updateProduct(id: number, patch: Partial<Product>): Promise<void> {
    this.db.set(id, { ...(this.db.get(id) as Product), ...patch });
  }
}

/** One application instance: its caching service (synchronized through the peer) and its catalogue. */
export interface Instance {
  readonly service: CachingService;
  readonly catalogue: Catalogue;
}

/** Engine settings for tests: heartbeats often enough to notice and heal an outage within a test, quick publish retries. */
const SYNC = { heartbeatIntervalMs: 500, initialRetryDelayMs: 20, maxRetryDelayMs: 300, publishAttempts: 200 };

/** Starts `count` instances over one database, each with its own automatic subscription. */
export async function startInstances(peer: ServiceBusTestPeer, count: number, db: Map<number, Product>): Promise<Instance[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const service = CachingService.create({
        namespace: 'shop',
        synchronization: { transport: new AzureServiceBusSynchronization(peerOptions(peer)), ...SYNC },
      });
      await service.initialize();
      const catalogue = new Catalogue(db);
      service.bind(catalogue);
      return { service, catalogue };
    }),
  );
}
