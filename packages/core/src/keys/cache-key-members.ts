/** A member name recorded by `@CacheKey`: a field or a getter. */
export type CacheKeyMember = string | symbol;

/**
 * Members registered per owner, in registration order. An owner is a class constructor (legacy
 * `experimentalDecorators`) or a TC39 decorator metadata object (`context.metadata`).
 */
const membersByOwner = new WeakMap<object, CacheKeyMember[]>();

/** Merged members per constructor; `null` means "resolved, none". Replaced whenever a member is registered. */
let resolved = new WeakMap<Function, readonly CacheKeyMember[] | null>();

/**
 * Records that `member` is part of the identity of instances of `owner`'s class, as `@CacheKey` does.
 *
 * @param owner - The class constructor (legacy decorators pass `target.constructor`) or the TC39 decorator
 *   metadata object (`context.metadata`), which the class exposes as `Class[Symbol.metadata]`.
 * @param member - The field or getter name.
 */
export function registerCacheKeyMember(owner: object, member: CacheKeyMember): void {
  const members = membersByOwner.get(owner);
  if (members === undefined) membersByOwner.set(owner, [member]);
  else if (!members.includes(member)) members.push(member);
  resolved = new WeakMap();
}

/**
 * The `@CacheKey` members of a class, merged up the class chain (base class members first), or
 * `undefined` when neither the class nor a base class has any. Cached per constructor.
 */
export function cacheKeyMembersOf(ctor: Function): readonly CacheKeyMember[] | undefined {
  let members = resolved.get(ctor);
  if (members === undefined) {
    members = collectMembers(ctor);
    resolved.set(ctor, members);
  }
  return members ?? undefined;
}

function collectMembers(ctor: Function): readonly CacheKeyMember[] | null {
  const metadataSymbol = (Symbol as { metadata?: symbol }).metadata;
  const chain: Function[] = [];
  for (let current: unknown = ctor; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.push(current);
  }
  const merged: CacheKeyMember[] = [];
  for (let i = chain.length - 1; i >= 0; i--) {
    const current = chain[i] as Function;
    addAll(merged, membersByOwner.get(current));
    // A class's metadata object inherits from its base's by prototype, so only an own one is this class's.
    if (metadataSymbol !== undefined && Object.prototype.hasOwnProperty.call(current, metadataSymbol)) {
      const metadata: unknown = (current as unknown as Record<symbol, unknown>)[metadataSymbol];
      if (typeof metadata === 'object' && metadata !== null) addAll(merged, membersByOwner.get(metadata));
    }
  }
  return merged.length > 0 ? merged : null;
}

function addAll(into: CacheKeyMember[], members: readonly CacheKeyMember[] | undefined): void {
  if (members === undefined) return;
  for (const member of members) if (!into.includes(member)) into.push(member);
}
