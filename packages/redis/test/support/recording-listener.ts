import type { TransportListener } from '@cachet/core';
import { waitFor } from './wait-for';

/** A transport listener that records what a connection reports, and lets a test await it. */
export class RecordingListener implements TransportListener {
  readonly messages: Buffer[] = [];
  readonly downs: Error[] = [];
  ups = 0;
  readonly #wakers = new Set<() => void>();

  message(payload: Uint8Array): void {
    this.messages.push(Buffer.from(payload));
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

  /** The messages received so far, as UTF-8 text. */
  get texts(): string[] {
    return this.messages.map((message) => message.toString('utf8'));
  }

  /** Resolves once a message equal to `payload` has arrived. */
  waitForMessage(payload: string | Uint8Array): Promise<void> {
    const expected = Buffer.from(payload);
    return this.waitUntil(`message ${expected.toString('hex').slice(0, 32)}`, () => this.messages.some((m) => m.equals(expected)));
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
