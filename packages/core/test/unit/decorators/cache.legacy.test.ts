import 'reflect-metadata';
import { Cache, InvalidateCache, NotCacheKey } from '@cachet/core';
import { useFreshDefaultService } from '../support/fresh-default-service';

/** What NestJS's `SetMetadata` does: writes metadata on `descriptor.value`, the method function itself. */
function SetMetadata(key: string, value: unknown): MethodDecorator {
  return (_target, _propertyKey, descriptor) => {
    Reflect.defineMetadata(key, value, descriptor.value as object);
  };
}

/** A decorator that reads metadata after cachet's has run, as a framework scanning routes would. */
function ReadsMetadata(key: string, seen: unknown[]): MethodDecorator {
  return (_target, _propertyKey, descriptor) => {
    seen.push(Reflect.getMetadata(key, descriptor.value as object));
  };
}

useFreshDefaultService();

describe('@NotCacheKey (experimentalDecorators)', () => {
  it('leaves the decorated parameter out of the key', () => {
    let runs = 0;
    class Reports {
      @Cache()
      report(id: number, @NotCacheKey() log: (message: string) => void): number {
        log(`report ${id}`);
        return ++runs;
      }
    }
    const reports = new Reports();
    expect(reports.report(1, () => undefined)).toBe(1);
    expect(reports.report(1, () => undefined)).toBe(1);
    expect(reports.report(2, () => undefined)).toBe(2);
  });

  it('is honoured by @InvalidateCache, which then needs only the key parameters', async () => {
    let runs = 0;
    class Reports {
      @Cache()
      report(id: number, @NotCacheKey() requestId: string): number {
        return ++runs;
      }

      @InvalidateCache('report')
      update(id: number): void {}
    }
    const reports = new Reports();
    reports.report(1, 'a');
    reports.update(1);
    expect(reports.report(1, 'b')).toBe(2);
  });
});

describe('reflect-metadata on a cached method', () => {
  it('keeps metadata that a decorator applied before @Cache wrote on the method', () => {
    class Controller {
      @Cache()
      @SetMetadata('roles', ['admin'])
      list(): string[] {
        return ['a'];
      }
    }
    expect(Reflect.getMetadata('roles', Controller.prototype.list)).toEqual(['admin']);
  });

  it('keeps metadata through @InvalidateCache too', () => {
    class Controller {
      @Cache()
      list(): string[] {
        return ['a'];
      }

      @InvalidateCache('list')
      @SetMetadata('path', '/items')
      add(): void {}
    }
    expect(Reflect.getMetadata('path', Controller.prototype.add)).toBe('/items');
  });

  it('lets a decorator applied after @Cache see the metadata applied before it', () => {
    const seen: unknown[] = [];
    class Controller {
      @ReadsMetadata('roles', seen)
      @Cache()
      @SetMetadata('roles', ['admin'])
      list(): string[] {
        return ['a'];
      }
    }
    expect(seen).toEqual([['admin']]);
    expect(new Controller().list()).toEqual(['a']);
  });

  it('keeps the design-time types that emitDecoratorMetadata puts on the class', () => {
    class Catalogue {
      @Cache()
      get(id: number, name: string): string {
        return `${id}${name}`;
      }
    }
    expect(Reflect.getMetadata('design:paramtypes', Catalogue.prototype, 'get')).toEqual([Number, String]);
    expect(Reflect.getMetadata('design:returntype', Catalogue.prototype, 'get')).toBe(String);
  });
});
