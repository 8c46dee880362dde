import { types } from 'node:util';

/**
 * A copy of a small plain value's structure: its primitives, and the property names (in their own order)
 * and items of its plain objects and arrays. A value that {@link matchesSnapshot | matches} a snapshot
 * has the same key encoding as the value the snapshot was taken from, so that encoding can be reused.
 */
export type ValueSnapshot =
  | { readonly kind: 'primitive'; readonly value: unknown }
  | { readonly kind: 'array'; readonly items: readonly ValueSnapshot[] }
  | { readonly kind: 'object'; readonly names: readonly string[]; readonly items: readonly ValueSnapshot[] };

/** The most objects, arrays and primitives a snapshot holds: larger values are encoded afresh every time. */
const MAX_NODES = 64;

/**
 * Takes a snapshot of `value` (which the key encoder accepted), or returns `undefined` when it holds
 * anything but primitives, plain objects and arrays, or more than {@link MAX_NODES} of them.
 */
export function takeSnapshot(value: unknown): ValueSnapshot | undefined {
  const budget = { left: MAX_NODES };
  return snapshotOf(value, budget);
}

function snapshotOf(value: unknown, budget: { left: number }): ValueSnapshot | undefined {
  if (--budget.left < 0) return undefined;
  if (typeof value !== 'object' || value === null) return { kind: 'primitive', value };
  // A proxy or an accessor may answer differently from one read to the next: never assumed to repeat.
  if (types.isProxy(value)) return undefined;
  const items: ValueSnapshot[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!isDataProperty(value, String(i))) return undefined;
      const item = snapshotOf(value[i], budget);
      if (item === undefined) return undefined;
      items.push(item);
    }
    return { kind: 'array', items };
  }
  if (!isPlainObject(value)) return undefined;
  const names = Object.keys(value);
  for (const name of names) {
    if (!isDataProperty(value, name)) return undefined;
    const item = snapshotOf((value as Record<string, unknown>)[name], budget);
    if (item === undefined) return undefined;
    items.push(item);
  }
  return { kind: 'object', names, items };
}

/**
 * Whether `value` has exactly the snapshot's structure: the same primitives (by `===`), the same property
 * names in the same order, the same array lengths. Reads every property once, as encoding would.
 */
export function matchesSnapshot(value: unknown, snapshot: ValueSnapshot): boolean {
  switch (snapshot.kind) {
    case 'primitive':
      return value === snapshot.value;
    case 'array': {
      if (!Array.isArray(value)) return false;
      const items = snapshot.items;
      if (value.length !== items.length) return false;
      for (let i = 0; i < items.length; i++) {
        if (!matchesSnapshot(value[i], items[i] as ValueSnapshot)) return false;
      }
      return true;
    }
    default: {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlainObject(value)) return false;
      const names = Object.keys(value);
      const expected = snapshot.names;
      if (names.length !== expected.length) return false;
      for (let i = 0; i < names.length; i++) {
        const name = names[i] as string;
        if (name !== expected[i] || !matchesSnapshot((value as Record<string, unknown>)[name], snapshot.items[i] as ValueSnapshot)) return false;
      }
      return true;
    }
  }
}

/** Whether `name` is an own property holding a value (a hole counts: it reads `undefined`, as encoded). */
function isDataProperty(value: object, name: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(value, name);
  return descriptor === undefined || 'value' in descriptor;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
