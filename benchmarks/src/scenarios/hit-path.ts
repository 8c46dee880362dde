import { compileLoop, type LoopShape } from '../harness/compiled-loop.js';
import { formatNs, formatSpread } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { ratioCells } from '../harness/ratios.js';
import { timeInterleaved, type Contender } from '../harness/rounds.js';
import type { Table } from '../harness/table.js';
import { cachet, floor, peers, UserStore, type CachedUsers, type Subject, type UserQuery } from '../subjects/index.js';
import type { Scenario } from './scenario.js';

const KEY_COUNT = 1_000;

/** One cached method the scenario times, and the floor it is compared with. */
interface MethodCase {
  readonly title: string;
  readonly floorLabel: string;
  readonly shape: LoopShape;
  /** Whether `users` has this method (sync methods are missing from async-only libraries). */
  readonly supported: (users: CachedUsers) => boolean;
}

const CASES: readonly MethodCase[] = [
  {
    title: 'Hit path: async getUser(id: number, opts: { include: string[] }), 1,000 keys',
    floorLabel: "lru.get('Users.getUser:' + stringify(args))",
    shape: { awaited: true, method: 'getUser', argumentList: 'i, args[i]' },
    supported: () => true,
  },
  {
    title: 'Hit path: async getName(id: number), 1,000 keys',
    floorLabel: "lru.get('Users.getName:' + id)",
    shape: { awaited: true, method: 'getName', argumentList: 'i' },
    supported: () => true,
  },
  {
    title: 'Hit path: sync labelOf(id: number), 1,000 keys',
    floorLabel: "lru.get('Users.labelOf:' + id)",
    shape: { awaited: false, method: 'labelOf', argumentList: 'i' },
    supported: (users) => users.labelOf !== undefined,
  },
];

/** A distinct options object per key, as callers build them (equal content, different identity per key). */
function queries(): UserQuery[] {
  return Array.from({ length: KEY_COUNT }, () => ({ include: ['profile', 'teams'] }));
}

/** A library's methods with all keys loaded, and a check that timing did not reach the loader again. */
interface Primed {
  readonly subject: Subject;
  readonly users: CachedUsers;
  readonly store: UserStore;
}

async function prime(subject: Subject, args: readonly UserQuery[]): Promise<Primed> {
  const store = new UserStore();
  const users = await subject.create(store, { maxEntries: 10 * KEY_COUNT, tags: false });
  for (let i = 0; i < KEY_COUNT; i++) {
    await users.getUser(i, args[i] as UserQuery);
    await users.getName(i);
    users.labelOf?.(i);
  }
  return { subject, users, store };
}

/**
 * Scenario 1: the cost of a cache hit, per library, for three method shapes.
 *
 * Every library is primed with the same 1,000 keys; the timed loop then cycles over them, so every
 * call is a hit (checked afterwards: the loader must not have run again).
 */
export const hitPath: Scenario = {
  name: 'hit-path',
  async run(options: BenchOptions): Promise<Table[]> {
    const args = queries();
    const subjects = [floor, cachet, ...peers];
    const primed: Primed[] = [];
    for (const subject of subjects) primed.push(await prime(subject, args));
    const primedExecutions = primed.map((entry) => entry.store.executions);
    const tables: Table[] = [];
    for (const methodCase of CASES) {
      const entries = primed.filter((entry) => methodCase.supported(entry.users));
      const contenders: Contender[] = entries.map((entry) => ({
        name: entry.subject.name,
        run: compileLoop(methodCase.shape, entry.users, args, KEY_COUNT),
      }));
      const timings = await timeInterleaved(contenders, options.quick ? { rounds: 3, batchMs: 5 } : { rounds: 15, batchMs: 40 });
      const figures = timings.map((timing) => ({ name: timing.name, value: timing.nsPerOp }));
      const missing = subjects.filter((subject) => !entries.some((entry) => entry.subject === subject)).map((subject) => subject.name);
      tables.push({
        title: methodCase.title,
        columns: ['library', 'per hit', 'spread', 'vs floor', 'vs cachet'],
        rows: timings.map((timing) => [
          timing.name,
          formatNs(timing.nsPerOp),
          formatSpread(timing.spread),
          ...ratioCells(timing.nsPerOp, figures, floor.name, cachet.name),
        ]),
        notes: [
          `Floor: ${methodCase.floorLabel}, in a hand-written method of the same shape. Median of interleaved rounds; spread = half the interquartile range.`,
          ...(missing.length > 0 ? [`Not applicable (caches async functions only): ${missing.join(', ')}.`] : []),
        ],
      });
    }
    const misses = primed
      .map((entry, index) => ({ name: entry.subject.name, extra: entry.store.executions - (primedExecutions[index] ?? 0) }))
      .filter((miss) => miss.extra > 0);
    if (misses.length > 0) {
      tables.push({
        title: 'Hit path: WARNING',
        columns: ['library', 'loader runs during timing'],
        rows: misses.map((miss) => [miss.name, String(miss.extra)]),
        notes: ['These libraries missed during the timed loops: their figures include loads.'],
      });
    }
    await Promise.all(primed.map((entry) => entry.users.close()));
    return tables;
  },
};
