import { CachingService } from '@cachet/core';
import { CACHET_MODULE_OPTIONS, CachetModule } from '@cachet/nestjs';
import type { FactoryProvider, ValueProvider } from '@nestjs/common';

describe('CachetModule.forRoot', () => {
  it('is global only when asked, and hands the service every option but isGlobal', () => {
    const module = CachetModule.forRoot({ isGlobal: true, namespace: 'catalogue' });
    expect(module.global).toBe(true);
    expect(CachetModule.forRoot().global).toBe(false);
    const options = module.providers?.find((provider) => (provider as ValueProvider).provide === CACHET_MODULE_OPTIONS) as ValueProvider;
    expect(options.useValue).toEqual({ namespace: 'catalogue' });
    expect(module.exports).toEqual([CachingService]);
  });
});

describe('CachetModule.forRootAsync', () => {
  it('calls the factory with the injected tokens for the options', async () => {
    const module = CachetModule.forRootAsync({ inject: ['NAMESPACE'], useFactory: (namespace: string) => ({ namespace }) });
    const options = module.providers?.find((provider) => (provider as FactoryProvider).provide === CACHET_MODULE_OPTIONS) as FactoryProvider;
    expect(options.inject).toEqual(['NAMESPACE']);
    expect(await options.useFactory('catalogue')).toEqual({ namespace: 'catalogue' });
  });
});
