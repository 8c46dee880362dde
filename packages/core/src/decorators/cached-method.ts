import { DecoratorUsageError } from '../errors';
import type { MethodKeyDescriptor } from '../keys/key-builder';
import { readParameterList } from '../keys/parameter-names';
import { type CachedMethodDefinition, MethodHandle } from '../service/method-handle';
import type { CacheOptions } from './cache-options';
import { type ClassRecord, ownRecordOf } from './class-registry';
import type { AnyMethod } from './method-decoration';

/**
 * One method decorated with `@Cache`: what the decorator recorded, plus the declaring class, learnt on
 * first call under standard decorators. What the services learn about the method lives in its
 * {@link CachedMethod.handle}.
 */
export class CachedMethod implements CachedMethodDefinition {
  /** The slot the services keep this method's state in; every call hands it to the service. */
  readonly handle: MethodHandle = new MethodHandle(this);
  private descriptor: MethodKeyDescriptor | undefined;

  constructor(
    readonly name: string | symbol,
    readonly isStatic: boolean,
    readonly original: AnyMethod,
    readonly options: CacheOptions,
    private readonly record: ClassRecord,
    private declaringClass: object | undefined,
  ) {}

  /** `Class.method`, for messages; the class may be unknown until the first call. */
  get displayName(): string {
    return `${this.descriptor?.className ?? (this.declaringClass as { name?: string } | undefined)?.name ?? '?'}.${String(this.name)}`;
  }

  /** Parameter names read from the source; `undefined` for destructured ones. */
  get parameterNames(): readonly (string | undefined)[] {
    return this.describe(undefined).parameterNames;
  }

  /** Whether the declaring class is known, so that {@link CachedMethod.describe} is final. */
  get isResolved(): boolean {
    return this.descriptor !== undefined;
  }

  /** Learns the declaring class from a class known to hold the method (itself or a subclass). */
  locateIn(holderClass: object): void {
    if (typeof holderClass !== 'function') return;
    this.findDeclaringClass(this.isStatic ? holderClass : Object.create((holderClass as { prototype: object }).prototype));
  }

  /** What the key builder needs; resolved once, on the first call that can name the declaring class. */
  describe(thisArg: unknown): MethodKeyDescriptor {
    if (this.descriptor !== undefined) return this.descriptor;
    const declaring = this.findDeclaringClass(thisArg);
    const { names: parameterNames, restIndex } = readParameterList(this.original);
    while (parameterNames.length < this.original.length) parameterNames.push(undefined);
    const excluded = new Set(this.record.excludedParameters.get(this.name));
    for (const item of this.options.notCacheKey ?? []) {
      const index = typeof item === 'number' ? item : parameterNames.indexOf(item);
      if (index < 0 || index >= parameterNames.length) {
        throw new DecoratorUsageError(
          `@Cache() on ${this.displayName}: notCacheKey names ${JSON.stringify(item)}, which is not a parameter (parameters: ${parameterNames.map(String).join(', ') || 'none'}).`,
        );
      }
      excluded.add(index);
    }
    const descriptor: MethodKeyDescriptor = {
      className: (declaring as { name?: string } | undefined)?.name || 'anonymous',
      methodName: String(this.name),
      parameterNames,
      keyParameterIndexes: parameterNames.map((_, index) => index).filter((index) => !excluded.has(index)),
      restParameterIndex: restIndex,
      isStatic: this.isStatic,
      customKey: this.options.key as ((...args: unknown[]) => unknown) | undefined,
    };
    if (declaring !== undefined) this.descriptor = descriptor;
    return descriptor;
  }

  /**
   * The class that declares the method. Known at decoration time with `experimentalDecorators`; under
   * standard decorators, found by walking from `this` up its classes to the one whose own record holds
   * this method (private `#methods` are on no prototype, so the record, not the function, identifies it).
   */
  private findDeclaringClass(thisArg: unknown): object | undefined {
    if (this.declaringClass !== undefined) return this.declaringClass;
    if ((typeof thisArg !== 'object' && typeof thisArg !== 'function') || thisArg === null) return undefined;
    for (let holder: object | null = this.isStatic ? thisArg : Object.getPrototypeOf(thisArg); holder !== null; holder = Object.getPrototypeOf(holder)) {
      const candidate: unknown = this.isStatic ? holder : Object.hasOwn(holder, 'constructor') ? (holder as { constructor: unknown }).constructor : undefined;
      if (typeof candidate === 'function' && ownRecordOf(candidate) === this.record) {
        this.declaringClass = candidate;
        return candidate;
      }
    }
    return undefined;
  }
}
