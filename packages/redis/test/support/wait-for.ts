/** How long a test waits for an event it expects before failing (under jest's 5 s test timeout). */
export const EVENT_TIMEOUT_MS = 4_000;

/**
 * Resolves once `condition()` holds, re-checking each time `subscribe`'s callback fires; fails with
 * `description` after `timeoutMs`. No sleeping: it wakes only on events.
 */
export function waitFor(
  description: string,
  condition: () => boolean,
  subscribe: (wake: () => void) => () => void,
  timeoutMs: number = EVENT_TIMEOUT_MS,
): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    const unsubscribe = subscribe(() => {
      if (!condition()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
