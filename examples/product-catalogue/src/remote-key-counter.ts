/** Counts keys dropped here by other instances' invalidations, and lets the story wait for a total. */
export class RemoteKeyCounter {
  #count = 0;
  readonly #waiters = new Set<() => void>();

  add(keys: number): void {
    this.#count += keys;
    for (const wake of [...this.#waiters]) wake();
  }

  /** Resolves once at least `total` keys have been counted. */
  reached(total: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#count < total) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }
}
