import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The ambient service of the current asynchronous context: what `CachingService.run()` sets. Created on
 * the first `run()`, so a process that never calls it has no storage and pays nothing.
 */
let storage: AsyncLocalStorage<object> | undefined;

/** Runs `fn` with `service` as the ambient service of everything it does, synchronously or not. */
export function runWithAmbient<S extends object, R>(service: S, fn: () => R): R {
  return (storage ??= new AsyncLocalStorage<object>()).run(service, fn);
}

/** The ambient service of the current context, if a `run()` is active (or before any `run()`: none). */
export function ambientService(): object | undefined {
  return storage?.getStore();
}
