import { AsyncLocalStorage } from 'node:async_hooks';
import type { Load } from './load-fence';

/** The load a cached method runs in, and how its service turns objects into dependency keys. */
export interface LoadScope {
  readonly load: Load;
  readonly objectKey: (value: object) => string;
}

const scopes = new AsyncLocalStorage<LoadScope | undefined>();
let openScopes = 0;
let disableQueued = false;

/** Runs `execute` as the body of `scope`'s load: nested cached calls and `CachingContext` report to it. */
export function runInScope<T>(scope: LoadScope, execute: () => T): T {
  return scopes.run(scope, execute);
}

/** Counts a load scope that may still receive dependencies; the hot path skips context lookups at zero. */
export function openScope(): void {
  openScopes++;
}

/**
 * The matching close of {@link openScope}. When no load is left open, the storage is disabled: on Node 20
 * an enabled `AsyncLocalStorage` keeps promise hooks installed, which cost every `await` of the whole
 * process ~100 ns. Nothing needs the context then (a closed load takes no dependencies), and the next
 * {@link runInScope} enables it again.
 *
 * Deferred to the next turn of the event loop (`setImmediate`), so an awaited loop of misses switches it
 * once, not once per miss: switching it per load cost ~16% of a miss. The cost: code that keeps awaiting
 * without ever yielding to the event loop (a long loop of awaited hits after a miss, say) keeps the promise
 * hooks on, and pays their ~100 ns per `await`, until it does yield.
 */
export function closeScope(): void {
  if (--openScopes === 0 && !disableQueued) {
    disableQueued = true;
    setImmediate(disableWhenIdle);
  }
}

function disableWhenIdle(): void {
  disableQueued = false;
  if (openScopes === 0) scopes.disable();
}

/** The load scope of the innermost cached method running in this async flow, if any. */
export function currentScope(): LoadScope | undefined {
  if (openScopes === 0) return undefined;
  const scope = scopes.getStore();
  return scope === undefined || scope.load.closed ? undefined : scope;
}

/** Adds dependencies to a running load (a no-op once it has ended: its entry is stored by then). */
export function addDependencies(load: Load, dependencies: Iterable<string>): void {
  if (load.closed) return;
  for (const dependency of dependencies) {
    if (dependency !== load.key && !load.dependencies.includes(dependency)) load.dependencies.push(dependency);
  }
}

/**
 * The dependencies of the cached method running in the current async flow (through `await`,
 * `Promise.all` and callbacks). Outside a cached method its methods do nothing.
 *
 * A cached method called by another adds its own key and dependencies to its caller's, on a hit and on a
 * miss, so invalidating the callee (by method, tag or object) drops the caller too, however deep.
 *
 * @example
 * ```ts
 * @Cache() async getOrderTotal(orderId: number) {
 *   const order = await this.orders.load(orderId);
 *   CachingContext.current.addDependency(`customer:${order.customerId}`);
 *   CachingContext.current.addObjectDependency(order); // an entity with @CacheKey() members
 *   …
 * }
 * ```
 */
export class CachingContext {
  private static readonly none = new CachingContext(undefined);

  private constructor(private readonly scope: LoadScope | undefined) {}

  /** The context of the innermost cached method running now, or one that ignores everything. */
  static get current(): CachingContext {
    const scope = currentScope();
    return scope === undefined ? CachingContext.none : new CachingContext(scope);
  }

  /**
   * Runs `fn` detached from the current cached method: cached calls inside it (fire-and-forget work,
   * say) add nothing to the caller's dependencies.
   */
  static suspend<T>(fn: () => T): T {
    return scopes.run(undefined, fn);
  }

  /** Whether a cached method is running (otherwise the methods below do nothing). */
  get active(): boolean {
    return this.scope !== undefined && !this.scope.load.closed;
  }

  /** Makes the running method's result depend on tags: `invalidateTags(tag)` drops it. */
  addDependency(...tags: string[]): void {
    if (this.scope !== undefined) addDependencies(this.scope.load, tags);
  }

  /**
   * Makes the running method's result depend on an object (keyed by the key builder, so a `@CacheKey()`
   * entity counts by its identity): `invalidateObject(obj)` drops it.
   */
  addObjectDependency(value: object): void {
    if (this.scope !== undefined) addDependencies(this.scope.load, [this.scope.objectKey(value)]);
  }
}
