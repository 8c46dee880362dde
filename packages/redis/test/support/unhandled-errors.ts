/**
 * Records what would escape a test unnoticed: unhandled rejections, uncaught exceptions, and ioredis
 * "Unhandled error event" reports (ioredis prints those instead of throwing).
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
    process.on('unhandledRejection', this.#record);
    process.on('uncaughtException', this.#record);
    console.error = (...args: unknown[]) => {
      if (args.some((arg) => String(arg).includes('Unhandled error event'))) this.#record(args.join(' '));
      this.#consoleError(...args);
    };
  }

  /** Stops recording and returns what was seen. */
  stop(): unknown[] {
    process.off('unhandledRejection', this.#record);
    process.off('uncaughtException', this.#record);
    console.error = this.#consoleError;
    return [...this.seen];
  }
}
