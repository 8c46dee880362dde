import { MISS } from '../backends/cache-backend';
import { CacheConfigurationError, NothingCapturedError, ServiceDisposedError } from '../errors';
import type { Invalidation } from '../sync/envelope';
import { type SynchronizationSink, Synchronizer } from '../sync/synchronizer';
import type { PeekingBackend } from './background-loads';
import { type CapturedCall, captureCalls } from './call-capture';
import { ambientService, runWithAmbient } from './ambient-service';
import { type CachingServiceOptions, releaseForOtherServices, type ResolvedCachingServiceOptions, resolveCachingServiceOptions } from './caching-service-options';
import { type CachingEventListener, type CachingEvents, EventHub, type ServiceEventPayloads } from './events';
import { LocalCache } from './local-cache';
import type { MethodHandle } from './method-handle';
import { type MethodSettings, resolveCallSettings, resolveMethodSettings, type SettingsRequest } from './method-settings';
import { ResilientCache } from './resilient-cache';
import type { ResilientSettings } from './resilient-call';
import { SecondLevelLoader } from './second-level-loader';
import type { CachingStats } from './stats';

/** The `code` of the process warning given when a default service is created implicitly. */
export const DEFAULT_SERVICE_WARNING = 'CACHET_DEFAULT_SERVICE';

/** No keys, or no tags: one shared empty list instead of one per invalidation. */
const NONE: readonly string[] = Object.freeze([]);
const CLEAR_EVERYTHING: Invalidation = Object.freeze({ keys: NONE, dependencies: NONE, all: true });

/**
 * Options of {@link CachingService.getOrSet}: a profile, switches and expiration (`ttl` or
 * `slidingExpiration`, not both) as in `@Cache`, and tags.
 */
export type GetOrSetOptions = SettingsRequest & {
  /** Tags of the stored value, for {@link CachingService.invalidateTags}. */
  readonly tags?: readonly string[];
};

function checkTags(operation: string, tags: readonly unknown[]): asserts tags is readonly string[] {
  const index = tags.findIndex((tag) => typeof tag !== 'string');
  if (index >= 0) throw new CacheConfigurationError(`${operation} tag ${index}`, `expected a string, got ${String(tags[index])}.`);
}

/**
 * The caching service: the local cache, its settings, and the synchronization that keeps it coherent with
 * other instances. Create one at bootstrap and make it the default, which `@Cache` and `@InvalidateCache`
 * use.
 *
 * @example
 * ```ts
 * CachingService.default = CachingService.create({
 *   profiles: { hot: { ttl: 60_000 } },
 *   synchronization: new RedisSynchronization({ connection: 'redis://127.0.0.1:6379' }),
 * });
 * await CachingService.default.initialize();
 * // …
 * await CachingService.default.dispose();
 * ```
 */
export class CachingService {
  private static defaultService: CachingService | undefined;
  private static readonly bound = new WeakMap<object, CachingService>();
  private static anyBound = false;
  /** Whether {@link CachingService.run} was ever called: until then, calls never look for an ambient service. */
  private static anyAmbient = false;

  private readonly options: ResolvedCachingServiceOptions;
  private readonly events: EventHub;
  private readonly local: LocalCache;
  private readonly synchronizer: Synchronizer | undefined;
  private readonly secondLevel: SecondLevelLoader | undefined;
  private readonly methodSettings = new WeakMap<MethodHandle, MethodSettings>();
  /** Serves methods with resilience options; created by the first such call. */
  private resilientCache: ResilientCache | undefined;
  private initialization: Promise<void> | undefined;
  private disposal: Promise<void> | undefined;
  private started = false;
  /** Cached methods run uncached: the `bypass` policy while the bus is down. */
  private bypass = false;

  private constructor(options: CachingServiceOptions) {
    this.options = resolveCachingServiceOptions(options);
    this.events = new EventHub({ service: this, namespace: this.options.namespace, className: undefined, methodName: undefined, profile: undefined });
    this.local = new LocalCache(this.options.backend, this.events, (value) => this.objectKey(value));
    if (this.options.l2 !== undefined) {
      // The gap policy: the store is used again only once the first level was cleared.
      this.secondLevel = this.local.secondLevel = new SecondLevelLoader(this.options.l2, this.events, () => this.local.clear());
    }
    if (this.options.synchronization !== undefined) {
      const sink: SynchronizationSink = {
        applyRemote: (invalidation, sentAt) => this.local.apply(invalidation, 'remote', sentAt),
        recoverFromGap: () => this.local.clear(),
        setBypass: (bypass) => {
          this.bypass = bypass;
          this.local.accepting = !bypass && this.disposal === undefined;
        },
        hears: (name) => this.events.hears(name),
        // The engine's events are service events: the same payload types, which TypeScript cannot relate generically.
        emit: (name, event) => this.events.emitFromService(name, event as ServiceEventPayloads[typeof name]),
      };
      this.synchronizer = new Synchronizer(this.options.synchronization, this.options.namespace, sink);
    }
  }

  /**
   * Creates a caching service; every option has a default.
   * @throws {@link CacheConfigurationError} naming the invalid option.
   */
  static create(options: CachingServiceOptions = {}): CachingService {
    return new CachingService(options);
  }

  /**
   * The service that decorated methods use unless their object is {@link CachingService.bind | bound} to
   * another or they run inside another's {@link CachingService.run}. If none was set, the first use creates one with every default: local only, with no
   * synchronization. It says so once, with a process warning whose `code` is `CACHET_DEFAULT_SERVICE`;
   * set a default at bootstrap (`CachingService.create({})` to stay local on purpose) and it never warns.
   */
  static get default(): CachingService {
    return (CachingService.defaultService ??= CachingService.createImplicitDefault());
  }

  static set default(service: CachingService) {
    if (!(service instanceof CachingService)) {
      throw new CacheConfigurationError('CachingService.default', 'expected a service made by CachingService.create().');
    }
    CachingService.defaultService = service;
  }

  /** Runs once: `defaultService` is never unset, so the warning is given once per process. */
  private static createImplicitDefault(): CachingService {
    process.emitWarning(
      'cachet: a cached method (or CachingService.default) was used before a default CachingService was set, so cachet created a ' +
        'local-only one: its cache is not synchronized, and invalidations made here never reach other instances of the application.',
      {
        code: DEFAULT_SERVICE_WARNING,
        detail:
          'Set the default at bootstrap, before the first call: `CachingService.default = CachingService.create({ synchronization: ... })` ' +
          '(new RedisSynchronization({ connection }) from @cachet/redis, say), or `CachingService.default = CachingService.create({})` ' +
          'to keep a local-only cache on purpose, which silences this warning.',
      },
    );
    return CachingService.create({});
  }

  /** @internal The service that serves calls on `thisArg`: the one it is bound to, else the ambient one, else the default. */
  static serviceFor(thisArg: unknown): CachingService {
    if (CachingService.anyBound && ((typeof thisArg === 'object' && thisArg !== null) || typeof thisArg === 'function')) {
      const bound = CachingService.bound.get(thisArg);
      if (bound !== undefined) return bound;
    }
    if (CachingService.anyAmbient) {
      const ambient = ambientService();
      if (ambient !== undefined) return ambient as CachingService;
    }
    return CachingService.default;
  }

  /**
   * Makes this service serve the cached methods of `target` (an object, or a class for its static
   * methods) instead of the default one: how two app instances live in one process.
   * @returns `target`, so it can wrap a constructor call.
   */
  bind<T extends object>(target: T): T {
    CachingService.bound.set(target, this);
    CachingService.anyBound = true;
    return target;
  }

  /**
   * Runs `fn` with this service as the ambient one: cached methods called inside it, and in everything it
   * starts (promises, timers, callbacks, through `AsyncLocalStorage`), use this service unless their object
   * is {@link CachingService.bind | bound} to another. That reaches what `bind()` cannot: calls made in a
   * constructor, and objects created per request. How a framework gives each application its own service.
   *
   * Costs nothing until the first `run()`; from then on, a call on an unbound object reads the
   * `AsyncLocalStorage` store once (bound objects and the default service are looked up first and last).
   * @returns what `fn` returns.
   * @example
   * ```ts
   * server.on('request', (req, res) => service.run(() => handle(req, res)));
   * ```
   */
  run<R>(fn: () => R): R {
    CachingService.anyAmbient = true;
    return runWithAmbient(this, fn);
  }

  /**
   * Connects the synchronization and resolves once its subscription is active: no invalidation published
   * by another instance after that is missed. Idempotent. Without it, the first use starts it lazily.
   * @throws {@link SynchronizationError} (`E_SYNC_CONNECT`) when the transport cannot connect.
   */
  initialize(): Promise<void> {
    if (this.disposal !== undefined) return Promise.reject(new ServiceDisposedError('initialize'));
    this.started = true;
    this.initialization ??= this.start().catch((error: unknown) => {
      this.initialization = undefined;
      throw error;
    });
    return this.initialization;
  }

  /**
   * Publishes what is queued, closes the synchronization, and empties the cache; its backend may then serve
   * another service. Later use throws {@link ServiceDisposedError}.
   */
  dispose(): Promise<void> {
    this.local.accepting = false;
    this.disposal ??= (async () => {
      await this.initialization?.catch(() => undefined);
      await this.synchronizer?.close();
      this.resilientCache?.dispose();
      await this.secondLevel?.link.close();
      this.local.clear();
      releaseForOtherServices(this.options);
    })();
    return this.disposal;
  }

  /** Listens to an event; returns the function that stops listening. Events cost nothing while nobody listens. */
  on<E extends keyof CachingEvents>(name: E, listener: CachingEventListener<E>): () => void {
    return this.events.on(name, listener);
  }

  /** A snapshot of the counters. */
  stats(): CachingStats {
    const stats: CachingStats = { ...this.local.counters, entries: this.local.size };
    if (this.synchronizer !== undefined) stats.sync = structuredClone(this.synchronizer.stats);
    if (this.resilientCache !== undefined) stats.resilience = { ...this.resilientCache.counters };
    if (this.secondLevel !== undefined) stats.l2 = this.secondLevel.stats;
    return stats;
  }

  /**
   * Drops the entry a call would use, here and on every synchronized instance, without running the
   * method: `invalidate(() => catalogue.getProduct(42))`. A string invalidates a {@link CachingService.getOrSet} key.
   * The local drop is done at once. The promise resolves once the bus has accepted the message that carries
   * the invalidation to other instances (at once without synchronization), and rejects with a
   * `SynchronizationError` (`E_SYNC_PUBLISH`) when that message is given up, when the service is disposed
   * first, or when the bus has not accepted it within `synchronization.confirmTimeoutMs` (5 s by default;
   * the invalidation stays queued and is still sent when the link allows).
   * @throws {@link NothingCapturedError} when the function calls no cached method.
   */
  invalidate(call: (() => unknown) | string): Promise<void> {
    return this.invalidateEverywhereConfirmed('invalidate', () => {
      const keys = typeof call === 'string' ? [this.userKey(call)] : this.keysOf(this.capturedCalls('invalidate', call));
      return { keys, dependencies: NONE, all: false };
    });
  }

  /**
   * Drops every entry tagged with one of `tags`, here and on every synchronized instance; the promise settles
   * as {@link CachingService.invalidate}'s does.
   */
  invalidateTags(...tags: string[]): Promise<void> {
    return this.invalidateEverywhereConfirmed('invalidateTags', () => {
      checkTags('invalidateTags()', tags);
      return { keys: NONE, dependencies: tags, all: false };
    });
  }

  /**
   * Drops every entry that depends on `value` (through `CachingContext.current.addObjectDependency`), here
   * and on every synchronized instance. The object is keyed by the key builder: a `@CacheKey()` entity by
   * its key members, so any instance with the same identity will do. The promise settles as
   * {@link CachingService.invalidate}'s does.
   */
  invalidateObject(value: object): Promise<void> {
    return this.invalidateEverywhereConfirmed('invalidateObject', () => ({ keys: NONE, dependencies: [this.objectKey(value)], all: false }));
  }

  /**
   * Drops every entry, here and on every synchronized instance of this namespace; the promise settles as
   * {@link CachingService.invalidate}'s does.
   */
  clear(): Promise<void> {
    return this.invalidateEverywhereConfirmed('clear', () => CLEAR_EVERYTHING);
  }

  /**
   * Runs a cached call afresh and stores its result (loads of the old value still running are fenced);
   * other instances drop their entry. `refresh(() => catalogue.getProduct(42))`.
   */
  async refresh<T>(call: () => T): Promise<Awaited<T>> {
    this.assertUsable('refresh');
    const [first, ...others] = this.capture('refresh', call).map(({ captured, key, settings }) => {
      const execute = (): unknown => captured.method.definition.original.apply(captured.thisArg, captured.args as never[]);
      if (!settings.enabled || this.bypass) return execute();
      this.synchronizer?.publish({ keys: [key], dependencies: NONE, all: false });
      void this.secondLevel?.invalidate({ keys: [key], dependencies: NONE, all: false });
      return this.local.reload(key, settings, captured.method, execute, captured.args);
    });
    await Promise.all(others);
    return (await first) as Awaited<T>;
  }

  /**
   * The value cached under `key`, or the factory's result, stored (single flight: concurrent callers of
   * one key share one factory run). For code without decorators.
   */
  async getOrSet<T>(key: string, factory: () => T | Promise<T>, options: GetOrSetOptions = {}): Promise<T> {
    this.assertUsable('getOrSet');
    const settings = resolveCallSettings(this.options, options, this.events.origin);
    const fullKey = this.userKey(key);
    if (!settings.enabled || this.bypass) return factory();
    if (settings.resilience !== undefined) return this.resilient().serve(fullKey, settings as ResilientSettings, undefined, factory, undefined, []) as Promise<T>;
    const value = this.local.lookup(fullKey, settings);
    if (value !== MISS) return value as T;
    return this.local.load(fullKey, settings, undefined, factory, []) as Promise<T>;
  }

  /** @internal Serves one call of a cached method: the hot path. */
  invokeMethod(method: MethodHandle, thisArg: unknown, args: ArrayLike<unknown>): unknown {
    if (!this.started || this.disposal !== undefined) this.assertUsable(`call ${method.definition.displayName}`);
    const settings = (method.settingsOwner === this && method.settings) || this.settingsOf(method, thisArg);
    if (!settings.enabled || this.bypass) return method.definition.original.apply(thisArg, args as never[]);
    const key = settings.key(thisArg, args);
    if (settings.resilience !== undefined) return this.resilient().serve(key, settings as ResilientSettings, method, method.definition.original, thisArg, args);
    const value = this.local.lookup(key, settings);
    if (value !== MISS) return method.returnsPromise === true ? Promise.resolve(value) : value;
    return this.local.load(key, settings, method, () => method.definition.original.apply(thisArg, args as never[]), args);
  }

  /** @internal The keys that calls of cached methods would use. */
  keysOf(calls: readonly CapturedCall[]): string[] {
    this.assertUsable('invalidate');
    const keys: string[] = [];
    for (let i = 0; i < calls.length; i++) {
      const { method, thisArg, args } = calls[i] as CapturedCall;
      keys.push(this.settingsOf(method, thisArg).key(thisArg, args));
    }
    return keys;
  }

  /** @internal Drops keys and tags here and everywhere: what `@InvalidateCache` does after its mutator succeeded. */
  invalidateKeysAndTags(keys: readonly string[], tags: readonly string[]): void {
    checkTags('@InvalidateCache() tags', tags);
    this.invalidateEverywhere({ keys, dependencies: tags, all: false });
  }

  /** Connects the synchronization and opens the second level, at once. */
  private start(): Promise<void> {
    const started = this.synchronizer?.start() ?? Promise.resolve();
    if (this.secondLevel === undefined) return started;
    return Promise.all([started, this.secondLevel.link.open(this.options.namespace)]).then(() => undefined);
  }

  /** Throws after dispose; otherwise starts the synchronization lazily on first use. */
  private assertUsable(operation: string): void {
    if (this.disposal !== undefined) throw new ServiceDisposedError(operation);
    if (!this.started) this.initialize().catch((error: unknown) => this.events.emitFromService('error', { error, operation: 'initialize' }));
  }

  /**
   * The cache of methods with resilience options, created by the first such call. Settings with them are
   * resolved only over a backend that can `peek` (`resolveResilience` checks it).
   */
  private resilient(): ResilientCache {
    return (this.resilientCache ??= new ResilientCache(this.local, this.options.backend as PeekingBackend, this.options.scheduler, this.events));
  }

  private settingsOf(method: MethodHandle, thisArg: unknown): MethodSettings {
    if (method.settingsOwner === this && method.settings !== undefined) return method.settings;
    let settings = this.methodSettings.get(method);
    if (settings === undefined) {
      settings = resolveMethodSettings(this.options, method.definition, thisArg, this.events.origin);
      // Under standard decorators the class name is learnt from `this`; settings are kept only once it is.
      if (!method.definition.isResolved) return settings;
      this.methodSettings.set(method, settings);
    }
    method.settingsOwner = this;
    method.settings = settings;
    return settings;
  }

  private userKey(key: string): string {
    if (typeof key !== 'string' || key.length === 0) throw new CacheConfigurationError('key', `expected a non-empty string, got ${String(key)}.`);
    return `${this.options.namespace}:${key}`;
  }

  private capture(operation: string, call: () => unknown): { captured: CapturedCall; key: string; settings: MethodSettings }[] {
    return this.capturedCalls(operation, call).map((captured) => {
      const settings = this.settingsOf(captured.method, captured.thisArg);
      return { captured, key: settings.key(captured.thisArg, captured.args), settings };
    });
  }

  private capturedCalls(operation: string, call: () => unknown): CapturedCall[] {
    if (typeof call !== 'function') throw new NothingCapturedError(operation);
    const calls = captureCalls(call);
    if (calls.length === 0) throw new NothingCapturedError(operation);
    return calls;
  }

  private objectKey(value: object): string {
    if (typeof value !== 'object' || value === null) throw new CacheConfigurationError('object dependency', `expected an object, got ${String(value)}.`);
    return this.options.keyBuilder.objectKey(value, this.options);
  }

  /**
   * As {@link CachingService.invalidateEverywhere}, resolving once the bus accepted the message (at once
   * without synchronization). Not an `async` function, whose promise would wrap this one on the path of every
   * call: what `operation` throws becomes a rejection here instead.
   */
  private invalidateEverywhereConfirmed(operation: string, invalidation: () => Invalidation): Promise<void> {
    try {
      this.assertUsable(operation);
      const built = invalidation();
      const accepted = this.synchronizer?.publishAndConfirm(built);
      this.local.apply(built, 'local');
      const stored = this.secondLevel?.invalidate(built);
      return stored === undefined ? (accepted ?? Promise.resolve()) : Promise.all([accepted, stored]).then(() => undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Publishes first: the message is on its way to other instances while this one applies it. */
  private invalidateEverywhere(invalidation: Invalidation): void {
    this.synchronizer?.publish(invalidation);
    this.local.apply(invalidation, 'local');
    void this.secondLevel?.invalidate(invalidation);
  }
}
