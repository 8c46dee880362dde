import type { EventOrigin } from './events';
import { callName, type MethodHandle } from './method-handle';
import type { CacheSettings } from './method-settings';
import type { Resilience } from './resilience-options';
import type { ResilienceEventBase } from './resilience-events';

/** A value for the caller of `method`: a promise when the method returns promises, as a hit's is. */
export function answerFor(method: MethodHandle | undefined, value: unknown): unknown {
  return method?.returnsPromise === true ? Promise.resolve(value) : value;
}

/** Settings of a method with resilience options. */
export type ResilientSettings = CacheSettings & { readonly resilience: Resilience };

/**
 * One call of a method with resilience options, kept for what happens after its caller has moved on: a
 * background load, a timeout, an auto-reload timer. Built only off the hit path.
 */
export class ResilientCall {
  /** Runs the method (or the `getOrSet` factory) with the call's `this` and arguments. */
  readonly execute = (): unknown => this.fn.apply(this.thisArg, this.args as never[]);

  constructor(
    readonly key: string,
    readonly settings: ResilientSettings,
    readonly method: MethodHandle | undefined,
    private readonly fn: (this: unknown, ...args: never[]) => unknown,
    private readonly thisArg: unknown,
    readonly args: ArrayLike<unknown>,
  ) {}

  get resilience(): Resilience {
    return this.settings.resilience;
  }

  /** `Class.method`, or `getOrSet()`. */
  get name(): string {
    return callName(this.method);
  }

  /** The method and key, as every resilience event carries them, and the events' origin. */
  get about(): ResilienceEventBase & { readonly origin: EventOrigin } {
    return { method: this.name, key: this.key, origin: this.settings.origin };
  }

  /** A value for the caller, as {@link answerFor} gives it. */
  answer(value: unknown): unknown {
    return answerFor(this.method, value);
  }
}
