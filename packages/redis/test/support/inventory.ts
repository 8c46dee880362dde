import { Cache, InvalidateCache } from '@cachet/core';

/** A gate a test opens to let held loads finish. */
interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

/**
 * The cached class the service-level tests share: stock levels read from a shared store (a Map standing in
 * for the database every instance uses).
 */
export class Inventory {
  /** How many times `stock` ran (cache misses). */
  loads = 0;
  #gate: Gate | undefined;

  constructor(private readonly store: Map<string, number>) {}

  @Cache({ tags: (sku: string) => [`sku:${sku}`] })
  async stock(sku: string): Promise<number | undefined> {
    this.loads++;
    const value = this.store.get(sku);
    await this.#gate?.opened;
    return value;
  }

  @InvalidateCache('stock')
  async setStock(sku: string, value: number): Promise<void> {
    this.store.set(sku, value);
  }

  /** Holds every load started from now on after it has read the store, until the returned function runs. */
  hold(): () => void {
    let open = (): void => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.#gate = { opened, open };
    return () => {
      this.#gate = undefined;
      open();
    };
  }
}
