import { DecoratorUsageError } from '../errors';
import { CachingService } from '../service/caching-service';
import type { CapturedCall } from '../service/call-capture';
import { isPromiseLike } from '../service/local-cache';
import type { CheckedInvalidateCache } from './invalidation-names';
import { type InvalidationTarget, type ResolvedTarget, resolveTargets } from './invalidation-targets';
import { type AnyMethod, readMethodDecoration } from './method-decoration';
import { preserveIdentity } from './preserve-identity';

export type { CheckedInvalidateCache, InvalidateCacheDecorator } from './invalidation-names';
export type { InvalidationMapping, InvalidationTarget, InvalidationTags } from './invalidation-targets';

/**
 * After the decorated mutator returns (or its promise resolves), drops the cached entries it made stale,
 * here and on every synchronized instance. If it throws or rejects, nothing is dropped.
 *
 * Name cached methods of the same class, or of another class after a function returning it. The mutator's
 * arguments map onto the cached method's key parameters by parameter name; pass
 * `{ method, mapArgs }` to map them explicitly, and `{ tags }` to drop tagged entries.
 * A mapping that cannot be resolved fails with {@link InvalidateCacheMappingError} on the first call,
 * before the mutator runs. A literal name that is not a public method of the class it refers to does not
 * compile, under both decorator settings (names of `private`, `protected` and `#private` methods, and of a
 * static method named from an instance mutator, cannot be checked: see the README).
 *
 * @example
 * ```ts
 * @InvalidateCache('getProduct', 'getPrice')
 * async updateProduct(id: number, patch: Partial<Product>) { … }
 *
 * @InvalidateCache(() => ProductCatalogue, 'getProduct')
 * async restock(id: number, quantity: number) { … }
 *
 * @InvalidateCache({ method: 'getProduct', mapArgs: (product: Product) => [product.id] }, { tags: (product: Product) => [`product:${product.id}`] })
 * async save(product: Product) { … }
 * ```
 */
export function InvalidateCache<const Targets extends readonly InvalidationTarget[]>(...targets: Targets): CheckedInvalidateCache<Targets> {
  if (targets.length === 0) throw new DecoratorUsageError('@InvalidateCache() needs at least one cached method name, mapping or { tags }.');
  return ((...decoratorArgs: unknown[]) => {
    const decoration = readMethodDecoration('@InvalidateCache()', decoratorArgs);
    const mutator = decoration.original;
    let resolved: ResolvedTarget | undefined;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      resolved ??= resolveTargets(targets, decoration, this);
      const service = CachingService.serviceFor(this);
      // What to invalidate is computed before the mutator runs: a bad argument fails before any change is made.
      const calls: CapturedCall[] = resolved.calls.map((target) => ({ method: target.method.handle, thisArg: target.thisFor(this, args), args: target.argsFor(args) }));
      const keys = service.keysOf(calls);
      const tags = resolved.tags.flatMap((tagsOf) => [...tagsOf(args)]);
      const result = mutator.apply(this, args as never[]);
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then((value) => {
          service.invalidateKeysAndTags(keys, tags);
          return value;
        });
      }
      service.invalidateKeysAndTags(keys, tags);
      return result;
    } as AnyMethod;
    preserveIdentity(wrapper, mutator);
    return decoration.replace(wrapper);
  }) as CheckedInvalidateCache<Targets>;
}
