interface ReflectWithMetadata {
  getOwnMetadataKeys?(target: object): unknown[];
  getOwnMetadata?(key: unknown, target: object): unknown;
  defineMetadata?(key: unknown, value: unknown, target: object): void;
}

/**
 * Makes `wrapper` look like `original` to everything else that inspects methods: same `name` and
 * `length`, same own properties, and the reflect-metadata that decorators applied before this one put on
 * the function itself (NestJS's `SetMetadata`, for one, writes there; losing it breaks routes).
 */
export function preserveIdentity(wrapper: Function, original: Function): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'name' || key === 'length' || key === 'prototype' || key === 'arguments' || key === 'caller') continue;
    const property = Object.getOwnPropertyDescriptor(original, key);
    if (property !== undefined && !Object.hasOwn(wrapper, key)) Object.defineProperty(wrapper, key, property);
  }
  const reflect = Reflect as ReflectWithMetadata;
  if (reflect.getOwnMetadataKeys === undefined || reflect.getOwnMetadata === undefined || reflect.defineMetadata === undefined) return;
  for (const key of reflect.getOwnMetadataKeys(original)) {
    reflect.defineMetadata(key, reflect.getOwnMetadata(key, original), wrapper);
  }
}
