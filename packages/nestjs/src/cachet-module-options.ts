import type { CachingServiceOptions } from '@cachet/core';
import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';

/** The token of the options the application's `CachingService` is created with. */
export const CACHET_MODULE_OPTIONS = Symbol('cachet.module-options');

/** Whether the module is global: its `CachingService` then injects everywhere without importing it. */
interface GlobalSwitch {
  /** Register the module globally, as `@Global()` would. @default false */
  readonly isGlobal?: boolean;
}

/**
 * Options of {@link CachetModule.forRoot}: every `CachingServiceOptions` field, plus `isGlobal`.
 * Each application built from the module creates its own service from them; a `backend` instance can serve
 * only one application at a time, so pass a factory (`backend: () => new MemoryBackend()`) when two
 * applications in one process (as e2e tests build them) share these options.
 */
export interface CachetModuleOptions extends CachingServiceOptions, GlobalSwitch {}

/** A class that creates the options, for {@link CachetModule.forRootAsync}'s `useClass` and `useExisting`. */
export interface CachetOptionsFactory {
  /** The options of the application's `CachingService`; called once per application. */
  createCachetOptions(): CachingServiceOptions | Promise<CachingServiceOptions>;
}

/** What {@link CachetModule.forRootAsync} always accepts, besides the way the options are made. */
interface CachetModuleAsyncBase extends GlobalSwitch, Pick<ModuleMetadata, 'imports'> {
  /** Providers that the factory, or the `useClass` class, may inject besides those of `imports`. */
  readonly extraProviders?: Provider[];
}

/** Options made by a function, called once per application with the `inject` tokens' values. */
export interface CachetModuleFactoryOptions extends CachetModuleAsyncBase {
  /** Makes the options; may be async. Its result is validated when the application is built. */
  readonly useFactory: (...dependencies: never[]) => CachingServiceOptions | Promise<CachingServiceOptions>;
  /** The tokens whose values the factory is called with, in order. @default [] */
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/** Options made by a {@link CachetOptionsFactory} that the module instantiates for each application. */
export interface CachetModuleClassOptions extends CachetModuleAsyncBase {
  /** The factory class; it may inject what `imports` and `extraProviders` provide. */
  readonly useClass: Type<CachetOptionsFactory>;
}

/** Options made by a {@link CachetOptionsFactory} provided elsewhere (in `imports`, or global). */
export interface CachetModuleExistingOptions extends CachetModuleAsyncBase {
  /** The token of a {@link CachetOptionsFactory} that `imports`, `extraProviders` or a global module provides. */
  readonly useExisting: InjectionToken;
}

/** Options of {@link CachetModule.forRootAsync}: exactly one of `useFactory`, `useClass` and `useExisting`. */
export type CachetModuleAsyncOptions = CachetModuleFactoryOptions | CachetModuleClassOptions | CachetModuleExistingOptions;
