import { CachingService, type CachingServiceOptions } from '@cachet/core';
import { RemoteKeyCounter } from './remote-key-counter';
import { Catalogue, type ProductDatabase } from './catalogue';

/** What the story asks an app instance to do. */
export type Operation =
  | { readonly kind: 'read'; readonly method: 'getProduct' | 'getPrice'; readonly id: number }
  | { readonly kind: 'update'; readonly id: number; readonly price: number }
  | { readonly kind: 'stats' };

/** Where a read was served from: this instance's memory, Redis (the second level), or the database. */
export type Source = 'memory' | 'redis' | 'database';

/** What an operation returned: the value read, where it came from, the counters. */
export interface Outcome {
  readonly value?: unknown;
  readonly source?: Source;
  readonly hits: number;
  readonly misses: number;
  /** Reads that reached the database. */
  readonly databaseReads: number;
}

/** An app instance as the story sees it, in this process or in another one. */
export interface AppInstance {
  readonly name: string;
  run(operation: Operation): Promise<Outcome>;
  /** Resolves once invalidations from other instances have dropped at least `count` keys here in total. */
  remoteKeysReceived(count: number): Promise<void>;
  dispose(): Promise<void>;
}

/** One app instance: its own caching service and catalogue over the shared database, synchronized by `options`. */
export class LocalAppInstance implements AppInstance {
  readonly #service: CachingService;
  readonly #catalogue: Catalogue;
  readonly #remoteKeys = new RemoteKeyCounter();

  constructor(
    readonly name: string,
    database: ProductDatabase,
    options: Pick<CachingServiceOptions, 'synchronization' | 'l2'>,
    onRemoteInvalidation: (keys: readonly string[]) => void,
  ) {
    this.#service = CachingService.create({ namespace: 'catalogue', ...options });
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
    const before = this.#service.stats();
    let value: unknown;
    if (operation.kind === 'read') value = await this.#catalogue[operation.method](operation.id);
    if (operation.kind === 'update') await this.#catalogue.updatePrice(operation.id, operation.price);
    const { hits, misses, l2 } = this.#service.stats();
    const source: Source = hits > before.hits ? 'memory' : (l2?.hits ?? 0) > (before.l2?.hits ?? 0) ? 'redis' : 'database';
    return { value, source, hits, misses, databaseReads: this.#catalogue.databaseReads };
  }

  remoteKeysReceived(count: number): Promise<void> {
    return this.#remoteKeys.reached(count);
  }


  dispose(): Promise<void> {
    return this.#service.dispose();
  }
}
