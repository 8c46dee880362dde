import { Cache, InvalidateCache } from '@cachet/core';
import { useFreshDefaultService } from '../support/fresh-default-service';

const fresh = useFreshDefaultService();

describe('@Cache on private methods (standard decorators only)', () => {
  it('keys a private method by its own class, so two classes do not share entries', () => {
    const keys: string[] = [];
    fresh.service.on('set', ({ key }) => keys.push(key));
    class Books {
      get(id: number): string {
        return this.#load(id);
      }

      @Cache()
      #load(id: number): string {
        return `book ${id}`;
      }
    }
    class Films {
      get(id: number): string {
        return this.#load(id);
      }

      @Cache()
      #load(id: number): string {
        return `film ${id}`;
      }
    }
    expect(new Books().get(1)).toBe('book 1');
    expect(new Films().get(1)).toBe('film 1');
    expect(keys).toEqual(['cachet:Books.#load(1)', 'cachet:Films.#load(1)']);
  });

  it('invalidates a #private cached method named as a plain string, which the compiler cannot check', () => {
    let runs = 0;
    class Rates {
      get(): number {
        return this.#load();
      }

      @Cache()
      #load(): number {
        return ++runs;
      }

      @InvalidateCache('#load' as string)
      refresh(): void {}
    }
    const rates = new Rates();
    expect(rates.get()).toBe(1);
    expect(rates.get()).toBe(1);
    rates.refresh();
    expect(rates.get()).toBe(2);
  });
});
