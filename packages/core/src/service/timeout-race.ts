import type { Scheduler, TimerHandle } from '../sync/scheduler';

/** What a {@link Deadline} decides when it falls due: answer with a value, fail, or keep waiting (`undefined`). */
export type DeadlineOutcome = { readonly value: unknown } | { readonly error: unknown } | undefined;

/** A point after which a caller may stop waiting for a load. */
export interface Deadline {
  readonly afterMs: number;
  readonly decide: () => DeadlineOutcome;
}

/**
 * Waits for `work` unless a deadline answers first. `work` is never cancelled: when it fails after the
 * caller was answered, `late` receives the error (so it is never an unhandled rejection); when it fails
 * before, `recover` turns the error into the answer or throws.
 */
export function raceDeadlines(
  work: PromiseLike<unknown>,
  deadlines: readonly Deadline[],
  scheduler: Scheduler,
  recover: (error: unknown) => unknown,
  late: (error: unknown) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timers: TimerHandle[] = [];
    const answer = (): void => {
      answered = true;
      for (const timer of timers) scheduler.clearTimeout(timer);
    };
    for (const deadline of deadlines) {
      timers.push(
        scheduler.setTimeout(() => {
          if (answered) return;
          const outcome = deadline.decide();
          if (outcome === undefined) return;
          answer();
          if ('value' in outcome) resolve(outcome.value);
          else reject(outcome.error);
        }, deadline.afterMs),
      );
    }
    work.then(
      (value) => {
        if (answered) return;
        answer();
        resolve(value);
      },
      (error: unknown) => {
        if (answered) return late(error);
        answer();
        try {
          resolve(recover(error));
        } catch (recovered) {
          reject(recovered);
        }
      },
    );
  });
}
