import type { TransportListener } from '@cachet/core';
import { waitFor } from './wait-for';

/** A transport listener that records what a connection reports, and lets a test await it. */
export class RecordingListener implements TransportListener {
  readonly messages: string[] = [];
  readonly downs: Error[] = [];
  ups = 0;
  readonly #wakers = new Set<() => void>();

  message(payload: string): void {
    this.messages.push(payload);
    this.#wake();
  }

  down(reason: Error): void {
    this.downs.push(reason);
    this.#wake();
  }

  up(): void {
    this.ups += 1;
    this.#wake();
  }

  /** Resolves once a message equal to `payload` has arrived. */
  waitForMessage(payload: string): Promise<void> {
    return this.waitUntil(`message ${JSON.stringify(payload.slice(0, 32))}`, () => this.messages.includes(payload));
  }

  /** Resolves once `condition` holds, re-checked on every report. */
  waitUntil(description: string, condition: () => boolean): Promise<void> {
    return waitFor(description, condition, (wake) => {
      this.#wakers.add(wake);
      return () => this.#wakers.delete(wake);
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
