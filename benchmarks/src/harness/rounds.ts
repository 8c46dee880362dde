import { elapsedNs, nowNs } from './clock.js';
import { median, relativeSpread } from './stats.js';

/** Something timed in batches: `run(n)` performs `n` operations (awaiting each one if they are async). */
export interface Contender {
  readonly name: string;
  run(iterations: number): void | Promise<void>;
}

/** How long and how often to time each contender. */
export interface RoundOptions {
  /** Rounds; every contender is timed once per round, in a rotating order. */
  readonly rounds: number;
  /** Target duration of one timed batch, in milliseconds. */
  readonly batchMs: number;
}

/** The median cost of one operation of a contender, and how much the rounds disagreed. */
export interface Timing {
  readonly name: string;
  readonly nsPerOp: number;
  readonly spread: number;
}

/**
 * Times every contender in interleaved rounds and returns the median ns/op of each.
 *
 * A warm-up batch first sizes each contender's batch so that it lasts about `batchMs`. Each round then
 * times every contender once, starting from a different one each round, so a slow phase of the machine
 * (another process, a GC, CPU frequency) is spread over all contenders instead of landing on one.
 */
export async function timeInterleaved(contenders: readonly Contender[], options: RoundOptions): Promise<Timing[]> {
  const sizes: number[] = [];
  for (const contender of contenders) sizes.push(await calibrate(contender, options.batchMs));
  const samples = contenders.map((): number[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let step = 0; step < contenders.length; step++) {
      const index = (round + step) % contenders.length;
      const contender = contenders[index] as Contender;
      const iterations = sizes[index] as number;
      const start = nowNs();
      await contender.run(iterations);
      (samples[index] as number[]).push(elapsedNs(start) / iterations);
    }
  }
  return contenders.map((contender, index) => {
    const values = samples[index] as number[];
    return { name: contender.name, nsPerOp: median(values), spread: relativeSpread(values) };
  });
}

async function calibrate(contender: Contender, batchMs: number): Promise<number> {
  let iterations = 64;
  for (;;) {
    const start = nowNs();
    await contender.run(iterations);
    const ms = elapsedNs(start) / 1e6;
    if (ms >= batchMs / 4 || iterations >= 1 << 24) return Math.max(1, Math.round((iterations * batchMs) / Math.max(ms, 1e-3)));
    iterations *= 4;
  }
}
