import { AsyncLocalStorage } from 'node:async_hooks';
import type { Load } from './load-fence';

/** The load a cached method runs in, and how its service turns objects into dependency keys. */
export interface LoadScope {
  readonly load: Load;
  readonly objectKey: (value: object) => string;
}

/**
 * What `CachingContext.suspend` stores: its work belongs to no load. `during` is the lone load open when it
 * began (see {@link runInScope}): if another lone load opens later, this mark cannot tell whether a call
 * comes from that load's body (which sets no mark of its own), so the call is placed by elimination.
 */
class Detached {
  constructor(readonly during: LoadScope | undefined) {}
}

const scopes = new AsyncLocalStorage<LoadScope | Detached>();
let openScopes = 0;
let disableQueued = false;
/** The scope whose body runs synchronously right now (`null`: detached by `CachingContext.suspend`). */
let syncScope: LoadScope | null | undefined;
/** The open load that runs without the storage, if any: there is never more than one. */
let lone: LoadScope | undefined;
/** Set once a call was placed by elimination: until the process is idle, every load runs in the storage. */
let storeEveryLoad = false;

/**
 * Runs `execute`, the body of `scope`'s load (opened with {@link openScope}): nested cached calls and
 * `CachingContext` report to it, in its synchronous part through {@link syncScope} and after an `await`
 * through the `AsyncLocalStorage`.
 *
 * A load that starts when no other is open, outside any stored context, runs without the storage: on
 * Node 20 entering it installs promise hooks that cost every promise of the process, and on Node 24 it
 * builds a context frame per load; together ~0.6 µs of a ~2 µs miss in a loop of awaited misses. A call
 * that neither its synchronous scope nor the storage places then comes, if from any load, from that lone
 * load's body: {@link currentScope} counts it there. That may count a call from elsewhere too (another
 * request's hit while the lone load awaits), which only makes its entry go more often than needed, never
 * stay longer; and it switches every later load to the storage until no load is open at a turn of the
 * event loop, so that this happens to one load per busy period.
 */
export function runInScope<T>(scope: LoadScope, execute: () => T): T {
  const outer = syncScope;
  syncScope = scope;
  try {
    if (storeEveryLoad || openScopes > 1 || scopes.getStore() !== undefined) return scopes.run(scope, execute);
    lone = scope;
    return execute();
  } finally {
    syncScope = outer;
  }
}

/** Counts a load scope that may still receive dependencies; the hot path skips context lookups at zero. */
export function openScope(): void {
  openScopes++;
}

/**
 * The matching close of {@link openScope}. When no load is left open, the storage is disabled: on Node 20
 * an enabled `AsyncLocalStorage` keeps promise hooks installed, which cost every `await` of the whole
 * process ~100 ns. Nothing needs the context then (a closed load takes no dependencies), and the next
 * {@link runInScope} that needs it enables it again.
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
  if (openScopes === 0) {
    scopes.disable();
    storeEveryLoad = false;
  }
}

/** The lone load (see {@link runInScope}) while it is open. */
function openLone(): LoadScope | undefined {
  return lone !== undefined && !lone.load.closed ? lone : undefined;
}

/** The load scope of the innermost cached method running in this async flow, if any. */
export function currentScope(): LoadScope | undefined {
  if (openScopes === 0) return undefined;
  if (syncScope !== undefined) return syncScope ?? undefined;
  const stored = scopes.getStore();
  if (stored !== undefined && !(stored instanceof Detached) && !stored.load.closed) return stored;
  // Placed by elimination (see runInScope). A closed stored scope is a body's work that outlived its load,
  // which may since have started the lone load; work suspended during that same lone load stays detached.
  const open = openLone();
  if (open === undefined || (stored instanceof Detached && stored.during === open)) return undefined;
  storeEveryLoad = true;
  return open;
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
    const outer = syncScope;
    syncScope = null;
    try {
      return scopes.run(new Detached(openLone()), fn);
    } finally {
      syncScope = outer;
    }
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
