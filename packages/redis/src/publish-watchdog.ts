/**
 * Notices publishes that Redis does not confirm (by echo or answer). Counts publishes sent and answered;
 * while some are unanswered, one timer checks every `timeoutMs` whether a publish sent before its previous check is still
 * waiting, so a stall is reported between one and two timeouts after the publish.
 *
 * This replaces ioredis' `commandTimeout`, which starts and clears a timer for every command: on the path
 * of every invalidation, right where the receiving instances need the CPU. Here a publish costs two counter
 * updates, and an idle connection holds no timer.
 */
export class PublishWatchdog {
  readonly #timeoutMs: number;
  readonly #onStall: () => void;
  #sent = 0;
  #answered = 0;
  /** Publishes sent when the timer was armed: all of them must be answered by the time it fires. */
  #sentWhenArmed = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param onStall called when a publish waited a timeout: it should fail what is in flight (each failure
   *   then counts as answered). The check stops until the next publish.
   */
  constructor(timeoutMs: number, onStall: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#onStall = onStall;
  }

  /** A publish was written. */
  sent(): void {
    this.#sent++;
    if (this.#timer === undefined) this.#arm();
  }

  /** A publish was answered, or failed. */
  answered(): void {
    this.#answered++;
  }

  /** Stops checking (the connection is closing). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#sentWhenArmed = this.#sent;
    this.#timer = setTimeout(this.#check, this.#timeoutMs);
    this.#timer.unref();
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#answered < this.#sentWhenArmed) {
      this.#onStall();
    } else if (this.#answered < this.#sent) {
      this.#arm();
    }
  };
}
