import type { MethodDecorator } from './method-decoration';

/** The method name a target names: a string, or a mapping's `method`. */
type NameOf<Target> = Target extends string ? Target : Target extends { readonly method: infer Name extends string } ? Name : never;

/**
 * The names `@InvalidateCache` looks up in the mutator's own class: strings and mappings before the first
 * `() => Class`, mappings without `class`. A name typed `string` (not a literal) is not checked.
 */
type OwnNames<Targets extends readonly unknown[]> = Targets extends readonly [infer Head, ...infer Rest]
  ? Head extends () => unknown
    ? never
    : Head extends { readonly class: () => unknown }
      ? OwnNames<Rest>
      : NameOf<Head> | OwnNames<Rest>
  : never;

/** Public instance and static member names of a class. */
type MemberNames<Class> = Class extends abstract new (...args: never) => infer Instance ? Extract<keyof Instance | keyof Class, string> : never;

/** `Name` when `Class` has no public member of that name (and `Name` is a literal). */
type Missing<Name, Class> = string extends Name ? never : Name extends MemberNames<Class> ? never : Name;

/** The names given after `() => Class` (or with `class: () => Class`) that the class does not have. */
type MissingInOtherClasses<Targets extends readonly unknown[], Class = never> = Targets extends readonly [infer Head, ...infer Rest]
  ? Head extends () => infer Other
    ? MissingInOtherClasses<Rest, Other>
    : Head extends { readonly method: infer Name extends string; readonly class: () => infer Other }
      ? Missing<Name, Other> | MissingInOtherClasses<Rest, Class>
      : ([Class] extends [never] ? never : Missing<NameOf<Head>, Class>) | MissingInOtherClasses<Rest, Class>
  : never;

/** A type that has every one of `Names` as a public member; anything, when `Names` is not literal. */
type Having<Names extends string> = string extends Names ? unknown : { readonly [Name in Names]: unknown };

/**
 * `@InvalidateCache`'s decorator: a {@link MethodDecorator} that compiles only on a class (or, for a
 * static mutator, a class's statics) with a public member of each name in `Names`.
 */
export interface InvalidateCacheDecorator<Names extends string> {
  /** Standard (TC39) decorator call: `This` is the class's instance type, or the class for a static mutator. */
  <This extends Having<Names>, Value>(value: Value, context: ClassMethodDecoratorContext<This>): Value;
  /** `experimentalDecorators` call: `target` is the prototype (typed as an instance), or the class for a static mutator. */
  <Target extends Having<Names>>(target: Target, propertyKey: string | symbol, descriptor: PropertyDescriptor): void;
}

/**
 * What `@InvalidateCache(...targets)` returns: a decorator that checks the names of the mutator's own
 * class when applied, or, when a name after `() => Class` is not a member of that class, a function
 * whose first parameter's type says so, which no decorator call matches.
 */
export type CheckedInvalidateCache<Targets extends readonly unknown[]> = [MissingInOtherClasses<Targets>] extends [never]
  ? InvalidateCacheDecorator<OwnNames<Targets>>
  : (mistake: `${MissingInOtherClasses<Targets>} is not a method of the class that () => Class names`, ...rest: unknown[]) => void;
