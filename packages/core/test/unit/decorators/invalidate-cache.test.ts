import { Cache, CacheKey, InvalidateCache, InvalidateCacheMappingError } from '@cachet/core';
import { deferred } from '../support/deferred';
import { useFreshDefaultService } from '../support/fresh-default-service';

useFreshDefaultService();

/** Runs `mutate` and returns the error it throws, failing the test when it throws none. */
function thrownBy(mutate: () => unknown): Error {
  try {
    mutate();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to throw');
}

/** A shared "database" and a catalogue over it whose reads are counted. */
class Database {
  readonly prices = new Map<number, number>([
    [1, 10],
    [2, 20],
  ]);
  reads = 0;
}

class ProductCatalogue {
  constructor(readonly db: Database) {}

  @Cache()
  getPrice(id: number): number | undefined {
    this.db.reads++;
    return this.db.prices.get(id);
  }

  @Cache()
  getLabel(id: number, currency: string): string {
    this.db.reads++;
    return `${this.db.prices.get(id)} ${currency}`;
  }

  @Cache()
  async fetchPrice(id: number): Promise<number | undefined> {
    this.db.reads++;
    return this.db.prices.get(id);
  }

  @Cache({ tags: (id: number) => [`product:${id}`] })
  getSummary(id: number): string {
    this.db.reads++;
    return `#${id}: ${this.db.prices.get(id)}`;
  }

  @InvalidateCache('getPrice', 'fetchPrice')
  setPrice(id: number, price: number): void {
    this.db.prices.set(id, price);
  }

  @InvalidateCache('getLabel')
  relabel(currency: string, extra: boolean, id: number): void {}

  @InvalidateCache({ method: 'getPrice', mapArgs: (product: { id: number }) => [product.id] })
  save(product: { id: number; price: number }): void {
    this.db.prices.set(product.id, product.price);
  }

  @InvalidateCache({ tags: (id: number) => [`product:${id}`] })
  touch(id: number): void {}

  @InvalidateCache('getPrice')
  async setPriceLater(id: number, price: number, written: Promise<void>): Promise<void> {
    await written;
    this.db.prices.set(id, price);
  }

  @InvalidateCache('getPrice')
  failingUpdate(id: number): void {
    throw new Error('update failed');
  }

  @InvalidateCache('fetchPrice')
  async rejectingUpdate(id: number): Promise<void> {
    throw new Error('update rejected');
  }
}

/** A mutator on another class, naming the catalogue's methods through a thunk. */
class Inventory {
  constructor(readonly db: Database) {}

  @InvalidateCache(() => ProductCatalogue, 'getPrice')
  discount(id: number, percent: number): void {
    const price = this.db.prices.get(id) ?? 0;
    this.db.prices.set(id, price - (price * percent) / 100);
  }
}

describe('@InvalidateCache', () => {
  it('drops the entries of the named methods of the same class, for the mapped arguments only', async () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    expect(catalogue.getPrice(1)).toBe(10);
    expect(await catalogue.fetchPrice(1)).toBe(10);
    expect(catalogue.getPrice(2)).toBe(20);
    catalogue.setPrice(1, 11);
    expect(catalogue.getPrice(1)).toBe(11);
    expect(await catalogue.fetchPrice(1)).toBe(11);
    expect(catalogue.getPrice(2)).toBe(20);
    expect(db.reads).toBe(5);
  });

  it('drops entries of another class named through a thunk', () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getPrice(1);
    new Inventory(db).discount(1, 50);
    expect(catalogue.getPrice(1)).toBe(5);
  });

  it("maps the mutator's arguments by parameter name, whatever their positions", () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getLabel(1, 'EUR');
    catalogue.getLabel(1, 'USD');
    db.prices.set(1, 12);
    catalogue.relabel('EUR', true, 1);
    expect(catalogue.getLabel(1, 'EUR')).toBe('12 EUR');
    expect(catalogue.getLabel(1, 'USD')).toBe('10 USD');
  });

  it('maps arguments with an explicit mapArgs function', () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getPrice(2);
    catalogue.save({ id: 2, price: 25 });
    expect(catalogue.getPrice(2)).toBe(25);
  });

  it('drops tagged entries with { tags }', () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getSummary(1);
    catalogue.getSummary(2);
    db.prices.set(1, 15).set(2, 25);
    catalogue.touch(1);
    expect(catalogue.getSummary(1)).toBe('#1: 15');
    expect(catalogue.getSummary(2)).toBe('#2: 20');
  });

  it('drops the entries only once the mutator promise resolves', async () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getPrice(1);
    const written = deferred<void>();
    const update = catalogue.setPriceLater(1, 13, written.promise);
    expect(catalogue.getPrice(1)).toBe(10);
    written.resolve();
    await update;
    expect(catalogue.getPrice(1)).toBe(13);
  });

  it('drops nothing when the mutator throws', () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    catalogue.getPrice(1);
    expect(() => catalogue.failingUpdate(1)).toThrow('update failed');
    catalogue.getPrice(1);
    expect(db.reads).toBe(1);
  });

  it('drops nothing when the mutator rejects', async () => {
    const db = new Database();
    const catalogue = new ProductCatalogue(db);
    await catalogue.fetchPrice(1);
    await expect(catalogue.rejectingUpdate(1)).rejects.toThrow('update rejected');
    await catalogue.fetchPrice(1);
    expect(db.reads).toBe(1);
  });

  it('keeps the mutator name and length', () => {
    expect(ProductCatalogue.prototype.setPrice.name).toBe('setPrice');
    expect(ProductCatalogue.prototype.setPrice.length).toBe(2);
  });

  it('targets the instance itself when the cached class has @CacheKey members', () => {
    class Account {
      @CacheKey()
      readonly id: number;
      balanceValue = 100;

      constructor(id: number) {
        this.id = id;
      }

      @Cache()
      balance(): number {
        return this.balanceValue;
      }

      @InvalidateCache('balance')
      deposit(amount: number): void {
        this.balanceValue += amount;
      }
    }
    const first = new Account(1);
    const second = new Account(2);
    first.balance();
    second.balance();
    first.deposit(5);
    second.balanceValue = 0;
    expect(first.balance()).toBe(105);
    expect(second.balance()).toBe(100);
  });

  it('keeps two classes with a same-named cached method apart when another class invalidates them first', () => {
    class Books {
      @Cache()
      get(id: number): string {
        return `book ${id}`;
      }
    }
    class Films {
      @Cache()
      get(id: number): string {
        return `film ${id}`;
      }
    }
    class Library {
      @InvalidateCache(() => Books, 'get')
      returnBook(id: number): void {}

      @InvalidateCache(() => Films, 'get')
      returnFilm(id: number): void {}
    }
    const library = new Library();
    library.returnBook(1);
    library.returnFilm(1);
    expect(new Books().get(1)).toBe('book 1');
    expect(new Films().get(1)).toBe('film 1');
  });
});

describe('@InvalidateCache names the compiler cannot check', () => {
  it('invalidates a private cached method named as a plain string', () => {
    let runs = 0;
    class Rates {
      get(): number {
        return this.load();
      }

      @Cache()
      private load(): number {
        return ++runs;
      }

      @InvalidateCache('load' as string)
      refresh(): void {}
    }
    const rates = new Rates();
    expect(rates.get()).toBe(1);
    rates.refresh();
    expect(rates.get()).toBe(2);
  });

  it('invalidates a static cached method of its own class from an instance mutator through () => Class', () => {
    let runs = 0;
    class Catalogue {
      @Cache()
      static list(): number {
        return ++runs;
      }

      @InvalidateCache(() => Catalogue, 'list')
      add(): void {}
    }
    expect(Catalogue.list()).toBe(1);
    new Catalogue().add();
    expect(Catalogue.list()).toBe(2);
  });
});

describe('@InvalidateCache mappings that cannot be resolved', () => {
  it('names both methods when the method does not exist, before the mutator runs', () => {
    let ran = false;
    class Orders {
      @Cache()
      getOrder(id: number): number {
        return id;
      }

      // @ts-expect-error: a name the class does not have does not compile; JavaScript callers get the runtime error.
      @InvalidateCache('getOrdr')
      cancel(id: number): void {
        ran = true;
      }
    }
    const error = thrownBy(() => new Orders().cancel(1));
    expect(error).toBeInstanceOf(InvalidateCacheMappingError);
    expect(error.message).toContain('Orders.cancel');
    expect(error.message).toContain('Orders.getOrdr');
    expect(ran).toBe(false);
  });

  it('says the method is not cached when it exists without @Cache', () => {
    let ran = false;
    class Orders {
      getOrder(id: number): number {
        return id;
      }

      @InvalidateCache('getOrder')
      cancel(id: number): void {
        ran = true;
      }
    }
    const error = thrownBy(() => new Orders().cancel(1));
    expect(error).toBeInstanceOf(InvalidateCacheMappingError);
    expect(error.message).toMatch(/Orders\.cancel.*Orders\.getOrder.*not cached/);
    expect(ran).toBe(false);
  });

  it('names both methods and the parameter when the mutator has no argument of that name', async () => {
    let ran = false;
    class Orders {
      @Cache()
      async getOrder(orderId: number, region: string): Promise<number> {
        return orderId;
      }

      @InvalidateCache('getOrder')
      async cancel(orderId: number, reason: string): Promise<void> {
        ran = true;
      }
    }
    const error = thrownBy(() => new Orders().cancel(1, 'duplicate'));
    expect(error).toBeInstanceOf(InvalidateCacheMappingError);
    expect(error.message).toContain('Orders.cancel');
    expect(error.message).toContain('Orders.getOrder');
    expect(error.message).toContain('"region"');
    expect(ran).toBe(false);
  });

  it('names the other class when the thunk points at a class without that cached method', () => {
    class Unrelated {}
    class Orders {
      // @ts-expect-error: a name the other class does not have does not compile; JavaScript callers get the runtime error.
      @InvalidateCache(() => Unrelated, 'getOrder')
      cancel(id: number): void {}
    }
    const error = thrownBy(() => new Orders().cancel(1));
    expect(error).toBeInstanceOf(InvalidateCacheMappingError);
    expect(error.message).toContain('Orders.cancel');
    expect(error.message).toContain('Unrelated.getOrder');
  });
});
