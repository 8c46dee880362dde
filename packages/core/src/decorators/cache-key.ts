import { DecoratorUsageError } from '../errors';
import { registerCacheKeyMember } from '../keys/cache-key-members';
import { isStandardContext } from './method-decoration';

/** A field, getter or accessor decorator under both TypeScript decorator settings. */
export interface MemberDecorator {
  /** Standard (TC39) call on a field, getter or `accessor`. */
  (value: unknown, context: ClassFieldDecoratorContext | ClassGetterDecoratorContext | ClassAccessorDecoratorContext): void;
  /** `experimentalDecorators` call on a property or getter. */
  (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor): void;
}

/**
 * Marks a member as part of its object's identity: an instance of the class, as an argument or as
 * `this`, is keyed by its class name and the values of these members only (an entity by its id, say).
 * Also makes `this` part of the keys of the class's own cached methods.
 *
 * @example
 * ```ts
 * class Product { @CacheKey() id!: number; name = ''; }
 * ```
 */
export function CacheKey(): MemberDecorator {
  return ((target: unknown, context: unknown) => {
    if (isStandardContext(context)) {
      if (context.kind !== 'field' && context.kind !== 'getter' && context.kind !== 'accessor') {
        throw new DecoratorUsageError(`@CacheKey() goes on fields, getters and accessors, not on the ${context.kind} ${String(context.name)}.`);
      }
      const member = context as ClassFieldDecoratorContext;
      if (member.static) throw new DecoratorUsageError(`@CacheKey() goes on instance members, not on the static ${String(member.name)}.`);
      if (member.metadata === undefined) throw new DecoratorUsageError("@CacheKey() needs decorator metadata: import '@cachet/core' before the classes it decorates.");
      registerCacheKeyMember(member.metadata, member.name);
      return;
    }
    if (typeof target === 'function') throw new DecoratorUsageError(`@CacheKey() goes on instance members, not on the static ${String(context)}.`);
    registerCacheKeyMember((target as object).constructor, context as string | symbol);
  }) as MemberDecorator;
}
