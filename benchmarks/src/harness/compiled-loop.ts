/** How the timed loop calls the method: awaiting its promise or not, with which arguments. */
export interface LoopShape {
  /** Whether each call's result is awaited. */
  readonly awaited: boolean;
  /** Method name on the target object. */
  readonly method: string;
  /** Argument list in terms of `i` (the key index) and `args` (the per-key extra arguments), e.g. `i, args[i]`. */
  readonly argumentList: string;
}

/** A timed loop over `keyCount` keys, cycling from where the previous batch stopped. */
export type Loop = (iterations: number) => void | Promise<void>;

/**
 * Compiles a fresh loop function for one contender.
 *
 * Each contender gets its own function (its own inline caches), so the call inside stays monomorphic
 * and one library's shapes do not slow down the next one's loop: a shared loop would make the call
 * site megamorphic and charge every contender for the others.
 */
export function compileLoop(shape: LoopShape, target: object, args: readonly unknown[], keyCount: number): Loop {
  const call = `target.${shape.method}(${shape.argumentList})`;
  const source = `
    const state = { i: 0, sink: undefined };
    return ${shape.awaited ? 'async ' : ''}function loop(iterations) {
      let i = state.i;
      let sink;
      for (let k = 0; k < iterations; k++) {
        sink = ${shape.awaited ? 'await ' : ''}${call};
        if (++i === keyCount) i = 0;
      }
      state.i = i;
      state.sink = sink;
    };`;
  return new Function('target', 'args', 'keyCount', source)(target, args, keyCount) as Loop;
}
