import { DecoratorUsageError } from '../errors';
import { recordOfLegacyTarget } from './class-registry';
import { isStandardContext } from './method-decoration';

/**
 * Leaves a parameter out of the cache key (a logger, a cancellation signal, a request context).
 * A parameter decorator, so `experimentalDecorators` only; with standard decorators use
 * `@Cache({ notCacheKey: ['logger'] })`.
 *
 * @example
 * ```ts
 * @Cache() async getProduct(id: number, @NotCacheKey() logger: Logger) { … }
 * ```
 */
export function NotCacheKey(): (target: object, propertyKey: string | symbol | undefined, parameterIndex: number) => void {
  return (target, propertyKey, parameterIndex) => {
    if (isStandardContext(propertyKey)) {
      throw new DecoratorUsageError('@NotCacheKey() is a parameter decorator, which standard decorators do not have: use @Cache({ notCacheKey: [name] }).');
    }
    if (propertyKey === undefined || typeof parameterIndex !== 'number') {
      throw new DecoratorUsageError('@NotCacheKey() goes on a parameter of a cached method, not of a constructor.');
    }
    const excluded = recordOfLegacyTarget(target).excludedParameters;
    const indexes = excluded.get(propertyKey) ?? new Set<number>();
    indexes.add(parameterIndex);
    excluded.set(propertyKey, indexes);
  };
}
