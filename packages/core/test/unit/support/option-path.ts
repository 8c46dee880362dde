import { CacheConfigurationError } from '@cachet/core';

function optionFrom(error: unknown): string {
  if (error instanceof CacheConfigurationError) return error.option;
  throw error;
}

/** The option path of the `CacheConfigurationError` that `run` throws. */
export function optionOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return optionFrom(error);
  }
  throw new Error('expected a CacheConfigurationError');
}

/** The option path of the `CacheConfigurationError` that `run` rejects with. */
export async function rejectedOptionOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return optionFrom(error);
  }
  throw new Error('expected a CacheConfigurationError');
}
