/**
 * Records what would escape a test unnoticed: ioredis' "Unhandled error event" reports, which it prints
 * instead of throwing. (Unhandled rejections and uncaught exceptions need no recorder: Jest 30 fails the
 * test or hook they come from, and listeners added to `process` inside a test file never hear them.)
 */
export class UnhandledErrors {
  readonly seen: unknown[] = [];
  readonly #record = (error: unknown): void => {
    this.seen.push(error);
  };
  readonly #consoleError = console.error;

  /** Starts recording. */
  start(): void {
    this.seen.length = 0;
    console.error = (...args: unknown[]) => {
      if (args.some((arg) => String(arg).includes('Unhandled error event'))) this.#record(args.join(' '));
      this.#consoleError(...args);
    };
  }

  /** Stops recording and returns what was seen. */
  stop(): unknown[] {
    console.error = this.#consoleError;
    return [...this.seen];
  }
}
