import { CachingService } from '@cachet/core';

/**
 * Gives every test of the file a new `CachingService` as the default, disposed after it.
 * @returns a holder whose `service` is the current test's.
 */
export function useFreshDefaultService(): { readonly service: CachingService } {
  const holder = { service: undefined as unknown as CachingService };
  beforeEach(() => {
    holder.service = CachingService.create({});
    CachingService.default = holder.service;
  });
  afterEach(() => holder.service.dispose());
  return holder;
}
