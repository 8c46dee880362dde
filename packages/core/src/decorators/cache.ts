import { CachingService } from '../service/caching-service';
import { activeCapture, CAPTURED_RESULT } from '../service/call-capture';
import { CachedMethod } from './cached-method';
import { type CacheOptions, validateCacheOptions } from './cache-options';
import { type AnyMethod, type MethodDecorator, readMethodDecoration } from './method-decoration';
import { preserveIdentity } from './preserve-identity';

/**
 * Caches the method's results, keyed by its class, its name and the values of its arguments. Works on
 * instance and static methods, synchronous or returning promises, under standard decorators and under
 * `experimentalDecorators`.
 *
 * Concurrent calls with one key that miss run the method once and share its result. Errors and rejections
 * are never cached. `undefined` and `null` are cached like any value. A result whose load was overtaken by
 * an invalidation of its key, of one of its tags, or by a clear, is returned but not stored.
 *
 * Instances of a class without `@CacheKey()` members share entries (`this` is not part of the key), as a
 * singleton service's would.
 *
 * @example
 * ```ts
 * class Catalogue {
 *   @Cache({ ttl: 60_000, tags: (id: number) => [`product:${id}`] })
 *   async getProduct(id: number): Promise<Product> { return db.load(id); }
 * }
 * ```
 * @throws {@link CacheConfigurationError} for invalid options; {@link DecoratorUsageError} on a non-method.
 */
export function Cache(options: CacheOptions = {}): MethodDecorator {
  return ((...decoratorArgs: unknown[]) => {
    const decoration = readMethodDecoration('@Cache()', decoratorArgs);
    validateCacheOptions(String(decoration.name), options);
    const method = new CachedMethod(decoration.name, decoration.isStatic, decoration.original, options, decoration.record, decoration.declaringClass);
    const handle = method.handle;
    const wrapper = function (this: unknown): unknown {
      const capture = activeCapture();
      if (capture !== undefined) {
        // invalidate()/refresh() want the key this call would use, not its result. `arguments` is kept as
        // it is (strict mode: a snapshot): copying it with Array.from costs ~18 µs on a cold path.
        capture.push({ method: handle, thisArg: this, args: arguments });
        return handle.returnsPromise === false ? undefined : CAPTURED_RESULT;
      }
      // `arguments` instead of a rest parameter: no array is allocated on a hit.
      try {
        return CachingService.serviceFor(this).invokeMethod(handle, this, arguments);
      } catch (error) {
        // A promise-returning method reports its failures (a bad key argument, say) as rejections.
        if (handle.returnsPromise === true) return Promise.reject(error);
        throw error;
      }
    } as AnyMethod;
    preserveIdentity(wrapper, decoration.original);
    decoration.whenDefined((definedClass) => method.locateIn(definedClass));
    decoration.record.cachedMethods.set(decoration.name, method);
    return decoration.replace(wrapper);
  }) as MethodDecorator;
}
