// The public API of @cachet/nestjs: named exports only.
export { CachetModule } from './cachet-module';
export {
  CACHET_MODULE_OPTIONS,
  type CachetModuleAsyncOptions,
  type CachetModuleClassOptions,
  type CachetModuleExistingOptions,
  type CachetModuleFactoryOptions,
  type CachetModuleOptions,
  type CachetOptionsFactory,
} from './cachet-module-options';
