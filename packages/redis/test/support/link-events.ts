import type { CachingService } from '@cachet/core';
import { Wakers } from './wakers';

/**
 * Records when a service reports its link down and up, from the moment it is created, so a test can time
 * an event that may come before it starts awaiting it. `onUpAfterDown` runs inside the listener of the
 * first `sync-up` that follows a `sync-down`, so what it starts begins in the tick the service declares
 * itself up again.
 */
export class LinkEvents {
  readonly downs: number[] = [];
  readonly ups: number[] = [];
  readonly #changes = new Wakers();
  readonly #off: (() => void)[];

  constructor(service: CachingService, onUpAfterDown: () => void = () => undefined) {
    this.#off = [
      service.on('sync-down', () => this.#record(this.downs)),
      service.on('sync-up', () => {
        if (this.downs.length > 0 && !this.ups.some((at) => at >= (this.downs[0] as number))) onUpAfterDown();
        this.#record(this.ups);
      }),
    ];
  }

  /**
   * Resolves with the time (`performance.now()`) of the first event of that kind at or after `since`;
   * fails after `timeoutMs`.
   */
  async first(kind: 'down' | 'up', since: number, timeoutMs: number): Promise<number> {
    const times = kind === 'down' ? this.downs : this.ups;
    const find = (): number | undefined => times.find((at) => at >= since);
    await this.#changes.until(`'sync-${kind}'`, () => find() !== undefined, timeoutMs);
    return find() as number;
  }

  /** Stops recording. */
  stop(): void {
    for (const off of this.#off) off();
  }

  #record(times: number[]): void {
    times.push(performance.now());
    this.#changes.wake();
  }
}
