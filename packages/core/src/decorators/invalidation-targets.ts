import { DecoratorUsageError, InvalidateCacheMappingError } from '../errors';
import { cacheKeyMembersOf } from '../keys/cache-key-members';
import { readParameterNames } from '../keys/parameter-names';
import type { CachedMethod } from './cached-method';
import { type ClassRecord, recordOfClass } from './class-registry';
import type { MethodDecoration } from './method-decoration';

/** A cached method to invalidate with an explicit mapping from the mutator's arguments. */
export interface InvalidationMapping {
  /** The cached method's name. */
  readonly method: string;
  /** The class that declares it, when not the mutator's own: `() => ProductCatalogue`. */
  readonly class?: () => object;
  /** The cached method's arguments, from the mutator's. Without it, arguments map by parameter name. */
  mapArgs?(...mutatorArgs: never[]): readonly unknown[];
  /** The `this` of the cached call, when its class has `@CacheKey()` members and is not the mutator's. */
  instance?(...mutatorArgs: never[]): object;
}

/** Tags to invalidate, from the mutator's arguments. */
export interface InvalidationTags {
  tags(...mutatorArgs: never[]): readonly string[];
}

/**
 * What `@InvalidateCache` accepts: method names of the mutator's class, a function returning another class
 * (which the names after it refer to), explicit mappings, and tags.
 */
export type InvalidationTarget = string | (() => object) | InvalidationMapping | InvalidationTags;

/** One cached method to invalidate, with how to turn the mutator's call into the cached call. */
export interface ResolvedCall {
  readonly method: CachedMethod;
  thisFor(mutatorThis: unknown, args: readonly unknown[]): unknown;
  argsFor(args: readonly unknown[]): unknown[];
}

/** Every target of one `@InvalidateCache`, resolved on its first call. */
export interface ResolvedTarget {
  readonly calls: readonly ResolvedCall[];
  readonly tags: readonly ((args: readonly unknown[]) => readonly string[])[];
}

interface MethodReference {
  readonly name: string;
  readonly classOf: (() => object) | undefined;
  readonly mapping: InvalidationMapping | undefined;
}

function className(value: unknown): string {
  return (value as { name?: string } | undefined)?.name || '?';
}

/** Splits the decorator's arguments into method references and tag functions, checking their shape. */
function parseTargets(targets: readonly InvalidationTarget[]): { references: MethodReference[]; tags: InvalidationTags[] } {
  const references: MethodReference[] = [];
  const tags: InvalidationTags[] = [];
  let classOf: (() => object) | undefined;
  for (const target of targets) {
    if (typeof target === 'string') references.push({ name: target, classOf, mapping: undefined });
    else if (typeof target === 'function') classOf = target;
    else if (typeof target === 'object' && target !== null && typeof (target as InvalidationTags).tags === 'function') tags.push(target as InvalidationTags);
    else if (typeof target === 'object' && target !== null && typeof (target as InvalidationMapping).method === 'string') {
      const mapping = target as InvalidationMapping;
      references.push({ name: mapping.method, classOf: mapping.class ?? classOf, mapping });
    } else {
      throw new DecoratorUsageError(`@InvalidateCache() takes method names, () => Class, { method, mapArgs } and { tags }; got ${String(target)}.`);
    }
  }
  return { references, tags };
}

/** Maps the mutator's arguments onto the cached method's key parameters by name. */
function mapByName(mutatorName: string, mutatorParameters: readonly (string | undefined)[], cached: CachedMethod, cachedName: string): (args: readonly unknown[]) => unknown[] {
  const names = cached.parameterNames;
  const positions = cached.describe(undefined).keyParameterIndexes.map((index) => {
    const name = names[index];
    if (name === undefined) {
      throw new InvalidateCacheMappingError(mutatorName, cachedName, `its parameter ${index} has no name (destructured); map the arguments with { method: '${cached.name.toString()}', mapArgs }.`);
    }
    const source = mutatorParameters.indexOf(name);
    if (source < 0) {
      throw new InvalidateCacheMappingError(
        mutatorName,
        cachedName,
        `${cachedName} needs the argument "${name}", but ${mutatorName} has no parameter of that name (it has ${mutatorParameters.map(String).join(', ') || 'none'}). ` +
          `Rename the parameter, or map the arguments with { method: '${cached.name.toString()}', mapArgs }.`,
      );
    }
    return [index, source] as const;
  });
  const arity = names.length;
  return (args) => {
    const mapped = new Array<unknown>(arity);
    for (const [index, source] of positions) mapped[index] = args[source];
    return mapped;
  };
}

/** Resolves `@InvalidateCache`'s targets on the mutator's first call, when every class is defined. */
export function resolveTargets(targets: readonly InvalidationTarget[], decoration: MethodDecoration, mutatorThis: unknown): ResolvedTarget {
  const { references, tags } = parseTargets(targets);
  const ownClass = decoration.declaringClass ?? (decoration.isStatic ? mutatorThis : (mutatorThis as object | undefined)?.constructor);
  const mutatorName = `${className(ownClass)}.${String(decoration.name)}`;
  const mutatorParameters = readParameterNames(decoration.original);
  const calls = references.map((reference): ResolvedCall => {
    const targetClass = reference.classOf?.() ?? ownClass;
    const record: ClassRecord | undefined = reference.classOf === undefined ? decoration.record : recordOfClass(targetClass as object);
    const cachedName = `${className(targetClass)}.${reference.name}`;
    const method = record?.findCachedMethod(reference.name);
    if (method === undefined) {
      const holder = targetClass as Record<string, unknown> & { prototype?: Record<string, unknown> };
      const exists = typeof holder?.[reference.name] === 'function' || typeof holder?.prototype?.[reference.name] === 'function';
      throw new InvalidateCacheMappingError(mutatorName, cachedName, exists ? 'that method is not cached: add @Cache() to it.' : 'there is no cached method of that name.');
    }
    method.locateIn(targetClass as object);
    const mapping = reference.mapping;
    const argsFor = mapping?.mapArgs !== undefined
      ? (args: readonly unknown[]) => [...(mapping.mapArgs as (...values: unknown[]) => readonly unknown[])(...args)]
      : mapByName(mutatorName, mutatorParameters, method, cachedName);
    const needsInstance = !method.isStatic && (cacheKeyMembersOf(targetClass as Function)?.length ?? 0) > 0;
    const thisFor = (self: unknown, args: readonly unknown[]): unknown => {
      if (mapping?.instance !== undefined) return (mapping.instance as (...values: unknown[]) => object)(...args);
      if (method.isStatic) return targetClass;
      if (typeof targetClass === 'function' && self instanceof targetClass) return self;
      if (needsInstance) {
        throw new InvalidateCacheMappingError(mutatorName, cachedName, `its keys include \`this\` (the class has @CacheKey() members); give the instance with { method: '${reference.name}', instance }.`);
      }
      return undefined;
    };
    return { method, thisFor, argsFor };
  });
  return { calls, tags: tags.map((target) => (args) => (target.tags as (...values: unknown[]) => readonly string[])(...args)) };
}
