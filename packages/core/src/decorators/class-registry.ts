import type { CachedMethod } from './cached-method';

// TypeScript emits `Class[Symbol.metadata]` for standard decorators only where the symbol exists; Node 20
// does not define it yet, so cachet provides it (the polyfill TypeScript's documentation recommends).
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

/** The `Symbol.metadata` key, polyfilled above. */
export const METADATA = (Symbol as unknown as { metadata: symbol }).metadata;

const RECORD = Symbol('cachet.class-record');

/** What cachet's decorators recorded about one class. */
export class ClassRecord {
  /** Cached methods declared by this class, by name. */
  readonly cachedMethods = new Map<string | symbol, CachedMethod>();
  /** Argument positions excluded from keys by `@NotCacheKey()`, by method name. */
  readonly excludedParameters = new Map<string | symbol, Set<number>>();

  constructor(readonly parent: ClassRecord | undefined) {}

  /** The cached method of this class or of a base class with that name. */
  findCachedMethod(name: string | symbol): CachedMethod | undefined {
    for (let record: ClassRecord | undefined = this; record !== undefined; record = record.parent) {
      const method = record.cachedMethods.get(name);
      if (method !== undefined) return method;
    }
    return undefined;
  }
}

const byConstructor = new WeakMap<object, ClassRecord>();

/** The record of the class that an `experimentalDecorators` decorator receives (prototype, or class for statics). */
export function recordOfLegacyTarget(target: object): ClassRecord {
  const constructor = typeof target === 'function' ? target : (target.constructor as object);
  let record = byConstructor.get(constructor);
  if (record === undefined) {
    record = new ClassRecord(recordOfClass(Object.getPrototypeOf(constructor) as object | null));
    byConstructor.set(constructor, record);
  }
  return record;
}

/** The record kept in a standard decorator's `context.metadata` object. */
export function recordOfMetadata(metadata: object): ClassRecord {
  if (Object.hasOwn(metadata, RECORD)) return (metadata as Record<symbol, ClassRecord>)[RECORD] as ClassRecord;
  const record = new ClassRecord((metadata as Record<symbol, ClassRecord | undefined>)[RECORD]);
  Object.defineProperty(metadata, RECORD, { value: record });
  return record;
}

/** The record of a class, found whichever decorator flavour compiled it; `undefined` when it has none. */
export function recordOfClass(constructor: object | null): ClassRecord | undefined {
  for (let current = constructor; typeof current === 'function'; current = Object.getPrototypeOf(current) as object | null) {
    const legacy = byConstructor.get(current);
    if (legacy !== undefined) return legacy;
    const metadata = (current as unknown as Record<symbol, object | undefined>)[METADATA];
    if (metadata !== undefined && metadata !== null) {
      const standard = (metadata as Record<symbol, ClassRecord | undefined>)[RECORD];
      if (standard !== undefined) return standard;
    }
  }
  return undefined;
}

/** The record of exactly this class (not of a base class), whichever decorator flavour compiled it. */
export function ownRecordOf(constructor: Function): ClassRecord | undefined {
  const legacy = byConstructor.get(constructor);
  if (legacy !== undefined || !Object.hasOwn(constructor, METADATA)) return legacy;
  const metadata = (constructor as unknown as Record<symbol, object | null | undefined>)[METADATA];
  return metadata !== null && metadata !== undefined && Object.hasOwn(metadata, RECORD) ? (metadata as Record<symbol, ClassRecord>)[RECORD] : undefined;
}
