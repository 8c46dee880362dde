import { elapsedNs, nowNs } from '../harness/clock.js';
import { formatNs } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { ratioCells } from '../harness/ratios.js';
import { median } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { cachet, floor, peers, UserStore, type Subject } from '../subjects/index.js';
import type { Scenario } from './scenario.js';

const CALLERS = 100;
const LOADER_MS = 20;

/** Loader executions and wall time of one stampede on a fresh cache. */
interface Stampede {
  readonly executions: number;
  readonly ns: number;
}

async function stampede(subject: Subject, round: number): Promise<Stampede> {
  const store = new UserStore(LOADER_MS);
  const users = await subject.create(store, { maxEntries: 1_000, tags: false });
  const query = { include: ['profile'] };
  const start = nowNs();
  await Promise.all(Array.from({ length: CALLERS }, () => users.getUser(round, query)));
  const ns = elapsedNs(start);
  await users.close();
  return { executions: store.executions, ns };
}

/**
 * Scenario 2: 100 concurrent calls of one uncached key whose loader takes 20 ms.
 *
 * A library with single flight runs the loader once and every caller gets its result after ~20 ms;
 * one without runs it 100 times (against a real database: 100 identical queries at once).
 */
export const stampedeScenario: Scenario = {
  name: 'stampede',
  async run(options: BenchOptions): Promise<Table[]> {
    const subjects = [floor, cachet, ...peers];
    const rounds = options.quick ? 1 : 7;
    const results = new Map<Subject, Stampede[]>(subjects.map((subject) => [subject, []]));
    for (let round = 0; round < rounds; round++) {
      for (const subject of subjects) results.get(subject)?.push(await stampede(subject, round));
    }
    const summary = subjects.map((subject) => {
      const runs = results.get(subject) ?? [];
      return { name: subject.name, executions: Math.max(...runs.map((run) => run.executions)), ns: median(runs.map((run) => run.ns)) };
    });
    const figures = summary.map((row) => ({ name: row.name, value: row.ns }));
    return [
      {
        title: `Stampede: ${CALLERS} concurrent calls of one uncached key, loader ${LOADER_MS} ms`,
        columns: ['library', 'loader executions', 'time (median)', 'vs floor', 'vs cachet'],
        rows: summary.map((row) => [row.name, String(row.executions), formatNs(row.ns), ...ratioCells(row.ns, figures, floor.name, cachet.name)]),
        notes: [`Executions: the most seen over ${rounds} round(s), each on a fresh cache. The floor has no single flight by design.`],
      },
    ];
  },
};
