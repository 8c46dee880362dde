import { CachingService, type SynchronizationTransport } from '@cachet/core';
import { RemoteKeyCounter } from './remote-key-counter';
import { Catalogue, type ProductDatabase } from './catalogue';

/** What the story asks an app instance to do. */
export type Operation =
  | { readonly kind: 'read'; readonly method: 'getProduct' | 'getPrice'; readonly id: number }
  | { readonly kind: 'update'; readonly id: number; readonly price: number }
  | { readonly kind: 'stats' };

/** What an operation returned: the value read, whether it came from the local cache, the counters. */
export interface Outcome {
  readonly value?: unknown;
  readonly hit?: boolean;
  readonly hits: number;
  readonly misses: number;
}

/** An app instance as the story sees it, in this process or in another one. */
export interface AppInstance {
  readonly name: string;
  run(operation: Operation): Promise<Outcome>;
  /** Resolves once invalidations from other instances have dropped at least `count` keys here in total. */
  remoteKeysReceived(count: number): Promise<void>;
  dispose(): Promise<void>;
}

/** One app instance: its own caching service and catalogue over the shared database. */
export class LocalAppInstance implements AppInstance {
  readonly #service: CachingService;
  readonly #catalogue: Catalogue;
  readonly #remoteKeys = new RemoteKeyCounter();

  constructor(
    readonly name: string,
    database: ProductDatabase,
    synchronization: SynchronizationTransport,
    onRemoteInvalidation: (keys: readonly string[]) => void,
  ) {
    this.#service = CachingService.create({ namespace: 'catalogue', synchronization });
    this.#catalogue = this.#service.bind(new Catalogue(database));
    this.#service.on('invalidate', (event) => {
      if (event.source !== 'remote') return;
      onRemoteInvalidation(event.keys);
      this.#remoteKeys.add(event.keys.length);
    });
  }

  /** Connects to the bus; resolves once this instance hears invalidations. */
  initialize(): Promise<void> {
    return this.#service.initialize();
  }

  async run(operation: Operation): Promise<Outcome> {
    const before = this.#service.stats().hits;
    let value: unknown;
    if (operation.kind === 'read') value = await this.#catalogue[operation.method](operation.id);
    if (operation.kind === 'update') await this.#catalogue.updatePrice(operation.id, operation.price);
    const { hits, misses } = this.#service.stats();
    return { value, hit: hits > before, hits, misses };
  }

  remoteKeysReceived(count: number): Promise<void> {
    return this.#remoteKeys.reached(count);
  }


  dispose(): Promise<void> {
    return this.#service.dispose();
  }
}
