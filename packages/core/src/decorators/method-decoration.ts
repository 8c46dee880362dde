import { DecoratorUsageError } from '../errors';
import { type ClassRecord, recordOfLegacyTarget, recordOfMetadata } from './class-registry';

/** A method-like function, as decorators receive it. */
export type AnyMethod = (this: unknown, ...args: never[]) => unknown;

/**
 * A method decorator that works under both TypeScript settings: standard (TC39) decorators, and
 * `experimentalDecorators` (NestJS, TypeORM, Angular). Which one applies is told at run time from the
 * arguments.
 */
export interface MethodDecorator {
  /** Standard (TC39) decorator call. */
  <T>(value: T, context: ClassMethodDecoratorContext): T;
  /** `experimentalDecorators` call. */
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): void;
}

/** What a method decorator learnt about the method it decorates, whichever flavour called it. */
export interface MethodDecoration {
  readonly name: string | symbol;
  readonly isStatic: boolean;
  readonly original: AnyMethod;
  readonly record: ClassRecord;
  /** Known at decoration time with `experimentalDecorators`; found from `this` on first call otherwise. */
  readonly declaringClass: object | undefined;
  /**
   * Calls `callback` with the class once it is defined, for a static method under standard decorators (so
   * that a call without `this`, such as `ids.map(Catalogue.load)`, still knows its class). A no-op otherwise.
   */
  whenDefined(callback: (definedClass: object) => void): void;
  /** Installs the replacement and returns what the decorator must return. */
  replace(replacement: AnyMethod): unknown;
}

/** Whether decorator arguments come from a standard (TC39) decorator call. */
export function isStandardContext(context: unknown): context is DecoratorContext {
  return typeof context === 'object' && context !== null && typeof (context as { kind?: unknown }).kind === 'string';
}

function describeMember(kind: string, name: unknown): string {
  return `${kind} ${String(name)}`;
}

/** Reads a method decorator's arguments, rejecting anything that is not a method. */
export function readMethodDecoration(decorator: string, args: readonly unknown[]): MethodDecoration {
  const [first, second, third] = args;
  if (isStandardContext(second)) {
    if (second.kind !== 'method' || typeof first !== 'function') {
      throw new DecoratorUsageError(`${decorator} decorates methods only, not the ${describeMember(second.kind, second.name)}.`);
    }
    const context = second as ClassMethodDecoratorContext;
    if (context.metadata === undefined) {
      throw new DecoratorUsageError(`${decorator} needs decorator metadata: import '@cachet/core' before the classes it decorates.`);
    }
    return {
      name: context.name,
      isStatic: context.static,
      original: first as AnyMethod,
      record: recordOfMetadata(context.metadata),
      declaringClass: undefined,
      whenDefined: (callback) => {
        if (context.static) {
          context.addInitializer(function (this: unknown) {
            callback(this as object);
          });
        }
      },
      replace: (replacement) => replacement,
    };
  }
  const descriptor = third as PropertyDescriptor | undefined;
  if (typeof first !== 'object' && typeof first !== 'function') {
    throw new DecoratorUsageError(`${decorator} decorates methods only.`);
  }
  const target = first as object;
  const name = second as string | symbol;
  if (descriptor === undefined || typeof descriptor.value !== 'function') {
    const kind = descriptor?.get !== undefined || descriptor?.set !== undefined ? 'accessor' : 'field';
    throw new DecoratorUsageError(`${decorator} decorates methods only, not the ${describeMember(kind, name)}.`);
  }
  const isStatic = typeof target === 'function';
  return {
    name,
    isStatic,
    original: descriptor.value as AnyMethod,
    record: recordOfLegacyTarget(target),
    declaringClass: isStatic ? target : (target.constructor as object),
    whenDefined: () => undefined,
    replace: (replacement) => {
      descriptor.value = replacement;
      return descriptor;
    },
  };
}
