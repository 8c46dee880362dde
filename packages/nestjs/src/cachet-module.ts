import { CachingService, type CachingServiceOptions } from '@cachet/core';
import { type DynamicModule, Inject, type MiddlewareConsumer, type NestModule, type Provider } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { CachetLifecycle } from './cachet-lifecycle';
import { CACHET_MODULE_OPTIONS, type CachetModuleAsyncOptions, type CachetModuleOptions, type CachetOptionsFactory } from './cachet-module-options';

/** Each application's own service, created from the options when the application is built. */
const serviceProvider: Provider = {
  provide: CachingService,
  useFactory: (options: CachingServiceOptions) => CachingService.create(options),
  inject: [CACHET_MODULE_OPTIONS],
};

const lifecycleProvider: Provider = {
  provide: CachetLifecycle,
  useFactory: (service: CachingService, discovery: DiscoveryService) => new CachetLifecycle(service, discovery),
  inject: [CachingService, DiscoveryService],
};

/** The options a `forRootAsync` call makes, and the providers that make them. */
function asyncOptionsProviders(options: CachetModuleAsyncOptions): Provider[] {
  if ('useFactory' in options) return [{ provide: CACHET_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  const factory = 'useClass' in options ? options.useClass : options.useExisting;
  const optionsProvider: Provider = {
    provide: CACHET_MODULE_OPTIONS,
    useFactory: (made: CachetOptionsFactory) => made.createCachetOptions(),
    inject: [factory],
  };
  return 'useClass' in options ? [{ provide: options.useClass, useClass: options.useClass }, optionsProvider] : [optionsProvider];
}

/**
 * cachet's Nest module: each application built from it gets its own `CachingService` (injectable by its
 * class), initialized during `app.init()` and disposed at shutdown, and the cached methods of the
 * application's providers and controllers use it instead of `CachingService.default`.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [CachetModule.forRoot({ isGlobal: true, synchronization: new RedisSynchronization({ connection }) })],
 *   providers: [CatalogueService],
 * })
 * export class AppModule {}
 * ```
 */
export class CachetModule implements NestModule {
  constructor(private readonly service: CachingService) {}

  /**
   * The module with options known up front. A `backend` instance serves one application at a time: give a
   * factory (`backend: () => new MemoryBackend()`) when one process builds several applications.
   * @throws {@link CacheConfigurationError} from the application's creation when an option is invalid.
   */
  static forRoot(options: CachetModuleOptions = {}): DynamicModule {
    const { isGlobal = false, ...serviceOptions } = options;
    return CachetModule.dynamicModule(isGlobal, [], [{ provide: CACHET_MODULE_OPTIONS, useValue: serviceOptions }]);
  }

  /**
   * The module with options made when each application is built: by `useFactory` (with `inject`), or by a
   * {@link CachetOptionsFactory} class (`useClass`, or `useExisting` for one provided elsewhere).
   * @throws {@link CacheConfigurationError} from the application's creation when a made option is invalid.
   */
  static forRootAsync(options: CachetModuleAsyncOptions): DynamicModule {
    return CachetModule.dynamicModule(options.isGlobal ?? false, options.imports ?? [], [...asyncOptionsProviders(options), ...(options.extraProviders ?? [])]);
  }

  private static dynamicModule(isGlobal: boolean, imports: NonNullable<DynamicModule['imports']>, optionsProviders: Provider[]): DynamicModule {
    return {
      module: CachetModule,
      global: isGlobal,
      imports: [DiscoveryModule, ...imports],
      providers: [...optionsProviders, serviceProvider, lifecycleProvider],
      exports: [CachingService],
    };
  }

  /**
   * Runs every HTTP request inside `service.run()`, so the objects a request creates (request-scoped and
   * transient providers, in their constructors too) use the application's service. Called by Nest.
   */
  configure(consumer: MiddlewareConsumer): void {
    const service = this.service;
    consumer.apply((_request: unknown, _response: unknown, next: () => void) => service.run(next)).forRoutes('*');
  }
}

// The module's own injection, written as a call rather than a parameter decorator so that the package
// compiles under any decorator setting.
Inject(CachingService)(CachetModule, undefined, 0);
