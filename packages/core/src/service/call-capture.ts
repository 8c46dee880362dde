import type { MethodHandle } from './method-handle';

/** A call of a cached method recorded instead of run, for `invalidate()` and `refresh()`. */
export interface CapturedCall {
  readonly method: MethodHandle;
  readonly thisArg: unknown;
  readonly args: ArrayLike<unknown>;
}

let captured: CapturedCall[] | undefined;

/** What a captured promise-returning method returns instead of running: one shared, already resolved promise. */
export const CAPTURED_RESULT: Promise<undefined> = Promise.resolve(undefined);

/** The list cached methods record themselves into instead of running, while a capture is active. */
export function activeCapture(): CapturedCall[] | undefined {
  return captured;
}

/** Runs `fn` with cached methods recording their calls instead of running; returns those calls. */
export function captureCalls(fn: () => unknown): CapturedCall[] {
  const outer = captured;
  const calls: CapturedCall[] = [];
  captured = calls;
  try {
    const result = fn() as { catch?: (handler: () => void) => void } | undefined;
    // The placeholder a captured async method returns resolves; anything else the function chains is not ours.
    if (result !== CAPTURED_RESULT && typeof result?.catch === 'function') result.catch(() => undefined);
  } finally {
    captured = outer;
  }
  return calls;
}
