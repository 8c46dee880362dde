import type { TransportListener } from '@cachet/core';

/** What a {@link RecordingListener} saw, in order. */
export type ListenerEvent = { readonly kind: 'message'; readonly text: string } | { readonly kind: 'down'; readonly reason: Error } | { readonly kind: 'up' };

/** A transport listener that records everything and lets a test await the event it expects. */
export class RecordingListener implements TransportListener {
  readonly events: ListenerEvent[] = [];
  private readonly waiters = new Set<() => void>();

  message(payload: string): void {
    this.record({ kind: 'message', text: payload });
  }

  down(reason: Error): void {
    this.record({ kind: 'down', reason });
  }

  up(): void {
    this.record({ kind: 'up' });
  }

  /** The texts of the messages received so far. */
  get texts(): string[] {
    return this.events.flatMap((event) => (event.kind === 'message' ? [event.text] : []));
  }

  /** Resolves once an event matching `predicate` was recorded (now or later); fails after `timeoutMs`. */
  waitFor(description: string, predicate: (event: ListenerEvent) => boolean, timeoutMs = 10_000): Promise<ListenerEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(predicate);
        if (!found) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}; saw: ${JSON.stringify(this.events.map((e) => e.kind === 'message' ? e.text : e.kind))}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Resolves once a message with exactly this text arrived. */
  waitForMessage(text: string, timeoutMs?: number): Promise<ListenerEvent> {
    return this.waitFor(`message "${text}"`, (event) => event.kind === 'message' && event.text === text, timeoutMs);
  }

  private record(event: ListenerEvent): void {
    this.events.push(event);
    for (const waiter of [...this.waiters]) waiter();
  }
}
