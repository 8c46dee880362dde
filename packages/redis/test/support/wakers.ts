import { EVENT_TIMEOUT_MS, waitFor } from './wait-for';

/** Lets tests await a condition on something that calls {@link Wakers.wake} whenever it changes. */
export class Wakers {
  readonly #wakers = new Set<() => void>();

  /** Re-checks every pending {@link Wakers.until}. */
  wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  /** Resolves once `condition` holds, re-checked on every wake; fails with `description` after `timeoutMs`. */
  until(description: string, condition: () => boolean, timeoutMs: number = EVENT_TIMEOUT_MS): Promise<void> {
    return waitFor(description, condition, (wake) => {
      this.#wakers.add(wake);
      return () => this.#wakers.delete(wake);
    }, timeoutMs);
  }
}
