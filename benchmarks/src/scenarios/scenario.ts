import type { BenchOptions } from '../harness/options.js';
import type { Table } from '../harness/table.js';

/** One benchmark scenario: it measures, then returns the tables to print. */
export interface Scenario {
  /** Name used by `--only=`. */
  readonly name: string;
  run(options: BenchOptions): Promise<Table[]>;
}
