import type { BenchOptions } from '../harness/options.js';
import type { Table } from '../harness/table.js';

/** One benchmark scenario: it measures, then returns the tables to print. */
export interface Scenario {
  /** Name used by `--only=`. */
  readonly name: string;
  /** Left out of a run without `--only=`: it takes long or loads the whole machine. */
  readonly optIn?: boolean;
  run(options: BenchOptions): Promise<Table[]>;
}
