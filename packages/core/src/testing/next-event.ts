import type { CachingService } from '../service/caching-service';
import type { CachingEvents } from '../service/events';

/**
 * Resolves with the next event of that name that satisfies `predicate`; rejects after `timeoutMs` with a
 * message naming what was awaited. For tests that await what they expect instead of sleeping.
 */
export function nextEvent<E extends keyof CachingEvents>(
  service: CachingService,
  name: E,
  predicate: (event: CachingEvents[E]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<CachingEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching '${String(name)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = service.on(name, (event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}
