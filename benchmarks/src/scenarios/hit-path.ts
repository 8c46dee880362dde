import { compileLoop, type LoopShape } from '../harness/compiled-loop.js';
import { formatNs, formatRatio, formatSpread } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { ratioCells } from '../harness/ratios.js';
import { timeInterleaved, type Contender, type Timing } from '../harness/rounds.js';
import type { Table } from '../harness/table.js';
import { cachet, cachetEager, cachetTtl, floor, jsonFloor, peers, UserStore, type CachedUsers, type Subject, type UserQuery } from '../subjects/index.js';
import type { Scenario } from './scenario.js';

/** Distinct keys per method, cycled by the timed loops: no single size flatters a memo or a hash table. */
const KEY_COUNTS: readonly number[] = [1_000, 10_000, 100_000];
const QUICK_KEY_COUNTS: readonly number[] = [1_000, 10_000];
/**
 * Above this many keys, only the floors and cachet are timed: the peers' figures at 1,000 keys place them,
 * and priming eight libraries with 400,000 entries each would take minutes and gigabytes.
 */
const PEERS_UP_TO = 1_000;

/** One cached method the scenario times, and the floor it is compared with. */
export interface MethodCase {
  /** Short name for the summary table. */
  readonly name: string;
  readonly title: string;
  readonly floorLabel: string;
  readonly shape: LoopShape;
  /** Whether the key is built from an options object too: the `JSON.stringify` floor is timed beside the floor. */
  readonly twoArguments: boolean;
  /** Whether `users` has this method (sync methods are missing from async-only libraries). */
  readonly supported: (users: CachedUsers) => boolean;
}

const STRINGIFY_FLOOR = "lru.get('Users.getUser:' + stringify(args))";

export const CASES: readonly MethodCase[] = [
  {
    name: 'async getUser(id, opts)',
    title: 'Hit path: async getUser(id: number, opts: { include: string[] })',
    floorLabel: STRINGIFY_FLOOR,
    shape: { awaited: true, method: 'getUser', argumentList: 'i, args[i]' },
    twoArguments: true,
    supported: () => true,
  },
  {
    name: 'sync findUser(id, opts)',
    title: 'Hit path: sync findUser(id: number, opts: { include: string[] })',
    floorLabel: STRINGIFY_FLOOR.replace('getUser', 'findUser'),
    shape: { awaited: false, method: 'findUser', argumentList: 'i, args[i]' },
    twoArguments: true,
    supported: (users) => users.findUser !== undefined,
  },
  {
    name: 'async getName(id)',
    title: 'Hit path: async getName(id: number)',
    floorLabel: "lru.get('Users.getName:' + id)",
    shape: { awaited: true, method: 'getName', argumentList: 'i' },
    twoArguments: false,
    supported: () => true,
  },
  {
    name: 'sync labelOf(id)',
    title: 'Hit path: sync labelOf(id: number)',
    floorLabel: "lru.get('Users.labelOf:' + id)",
    shape: { awaited: false, method: 'labelOf', argumentList: 'i' },
    twoArguments: false,
    supported: (users) => users.labelOf !== undefined,
  },
];

/** A distinct options object per key, as callers build them (equal content, different identity per key). */
export function queries(keyCount: number): UserQuery[] {
  return Array.from({ length: keyCount }, () => ({ include: ['profile', 'teams'] }));
}

/** A library's methods with all keys loaded, and a check that timing did not reach the loader again. */
export interface Primed {
  readonly subject: Subject;
  readonly users: CachedUsers;
  readonly store: UserStore;
  readonly primedExecutions: number;
}

export async function prime(subject: Subject, args: readonly UserQuery[]): Promise<Primed> {
  const store = new UserStore();
  const users = await subject.create(store, { maxEntries: 10 * args.length, tags: false });
  for (let i = 0; i < args.length; i++) {
    await users.getUser(i, args[i] as UserQuery);
    users.findUser?.(i, args[i] as UserQuery);
    await users.getName(i);
    users.labelOf?.(i);
  }
  return { subject, users, store, primedExecutions: store.executions };
}

/** One method case timed at one key count. */
interface CaseTimings {
  readonly methodCase: MethodCase;
  readonly keyCount: number;
  readonly timings: readonly Timing[];
}

function timingOf(result: CaseTimings, subject: Subject): Timing | undefined {
  return result.timings.find((timing) => timing.name === subject.name);
}

/** The detailed table of one case: every library timed, against the floor and cachet. */
function caseTable(result: CaseTimings, subjects: readonly Subject[]): Table {
  const { methodCase, keyCount, timings } = result;
  const figures = timings.map((timing) => ({ name: timing.name, value: timing.nsPerOp }));
  const missing = subjects.filter((subject) => subject !== jsonFloor && !timings.some((timing) => timing.name === subject.name));
  return {
    title: `${methodCase.title}, ${keyCount.toLocaleString('en-US')} keys`,
    columns: ['library', 'per hit', 'spread', 'vs floor', 'vs cachet'],
    rows: timings.map((timing) => [timing.name, formatNs(timing.nsPerOp), formatSpread(timing.spread), ...ratioCells(timing.nsPerOp, figures, floor.name, cachet.name)]),
    notes: [
      `Floor: ${methodCase.floorLabel}, in a hand-written method of the same shape. Median of interleaved rounds; spread = half the interquartile range.`,
      ...(missing.length > 0 ? [`Not applicable (caches async functions only): ${missing.map((subject) => subject.name).join(', ')}.`] : []),
    ],
  };
}

/** cachet against both floors, for every case and key count. */
function summaryTable(results: readonly CaseTimings[]): Table {
  const cell = (timing: Timing | undefined): string => (timing === undefined ? '' : formatNs(timing.nsPerOp));
  const ratio = (timing: Timing | undefined, reference: Timing | undefined): string =>
    timing === undefined || reference === undefined ? '' : formatRatio(timing.nsPerOp, reference.nsPerOp);
  return {
    title: 'Hit path by key count: cachet against the floors',
    columns: ['method', 'keys', 'floor', 'floor, JSON.stringify key', 'cachet', 'cachet spread', 'cachet vs floor', 'cachet vs JSON.stringify floor'],
    rows: results.map((result) => {
      const own = timingOf(result, cachet);
      const base = timingOf(result, floor);
      const json = timingOf(result, jsonFloor);
      return [result.methodCase.name, result.keyCount.toLocaleString('en-US'), cell(base), cell(json), cell(own), own === undefined ? '' : formatSpread(own.spread), ratio(own, base), ratio(own, json)];
    }),
    notes: [
      'Each row: every key primed, then the timed loop cycles over all of them (every call a hit), the libraries interleaved in rounds.',
      `Floor: lru-cache by hand with the key 'Users.method:' + fast-json-stable-stringify(args) (+ id for one primitive); the JSON.stringify floor is the same with JSON.stringify, timed for the two-argument methods.`,
      `Above ${PEERS_UP_TO.toLocaleString('en-US')} keys only the floors and cachet are timed.`,
    ],
  };
}

/** What an eager-refresh hit costs: cachet with `eagerRefresh` against cachet with the same `ttl` alone. */
function eagerRefreshTable(results: readonly CaseTimings[]): Table {
  return {
    title: 'Hit path with eagerRefresh on: cachet against cachet with the same ttl',
    columns: ['method', 'keys', 'cachet, ttl', 'cachet, ttl + eagerRefresh', 'spread', 'eagerRefresh vs ttl only'],
    rows: results.map((result) => {
      const reference = timingOf(result, cachetTtl);
      const eager = timingOf(result, cachetEager);
      return [
        result.methodCase.name,
        result.keyCount.toLocaleString('en-US'),
        reference === undefined ? '' : formatNs(reference.nsPerOp),
        eager === undefined ? '' : formatNs(eager.nsPerOp),
        eager === undefined ? '' : formatSpread(eager.spread),
        eager === undefined || reference === undefined ? '' : formatRatio(eager.nsPerOp, reference.nsPerOp),
      ];
    }),
    notes: [
      '`@Cache({ ttl: 3_600_000 })` against `@Cache({ ttl: 3_600_000, eagerRefresh: 0.8 })`: no entry reaches the refresh point while timed, so the ratio is what the option adds to a hit (reading the entry\'s remaining lifetime), not a reload.',
      'Timed after every other row: lru-cache installs its ttl checks per cache, so once a cache with a ttl is in use the call sites that every cache of the process shares see several of them and slow down; the rows above are timed before any exists, as in an application with no ttl.',
    ],
  };
}

/** Times every case at one key count; returns the timings and the libraries that reached their loader. */
async function measureKeyCount(keyCount: number, options: BenchOptions, subjects: Subject[]): Promise<{ results: CaseTimings[]; subjects: Subject[]; misses: string[][] }> {
  const args = queries(keyCount);
  const primed: Primed[] = [];
  for (const subject of subjects) primed.push(await prime(subject, args));
  const results: CaseTimings[] = [];
  for (const methodCase of CASES) {
    const entries = primed.filter((entry) => methodCase.supported(entry.users) && (methodCase.twoArguments || entry.subject !== jsonFloor));
    const contenders: Contender[] = entries.map((entry) => ({
      name: entry.subject.name,
      run: compileLoop(methodCase.shape, entry.users, args, keyCount),
    }));
    const timings = await timeInterleaved(contenders, options.quick ? { rounds: 3, batchMs: 5 } : { rounds: 15, batchMs: 40 });
    results.push({ methodCase, keyCount, timings });
  }
  const misses = primed
    .map((entry) => [entry.subject.name, keyCount.toLocaleString('en-US'), String(entry.store.executions - entry.primedExecutions)])
    .filter((row) => row[2] !== '0');
  await Promise.all(primed.map((entry) => entry.users.close()));
  return { results, subjects, misses };
}

/**
 * Scenario 1: the cost of a cache hit, per library, for four method shapes, at several key counts.
 *
 * Every library is primed with the same keys; the timed loop then cycles over them, so every call is a
 * hit (checked afterwards: the loader must not have run again).
 */
export const hitPath: Scenario = {
  name: 'hit-path',
  async run(options: BenchOptions): Promise<Table[]> {
    const tables: Table[] = [];
    const all: CaseTimings[] = [];
    const misses: string[][] = [];
    for (const keyCount of options.quick ? QUICK_KEY_COUNTS : KEY_COUNTS) {
      const measured = await measureKeyCount(keyCount, options, keyCount <= PEERS_UP_TO ? [floor, jsonFloor, cachet, ...peers] : [floor, jsonFloor, cachet]);
      all.push(...measured.results);
      misses.push(...measured.misses);
      if (keyCount <= PEERS_UP_TO) tables.push(...measured.results.map((result) => caseTable(result, measured.subjects)));
    }
    const byCase = (a: CaseTimings, b: CaseTimings): number => CASES.indexOf(a.methodCase) - CASES.indexOf(b.methodCase) || a.keyCount - b.keyCount;
    tables.push(summaryTable([...all].sort(byCase)));
    const eager: CaseTimings[] = [];
    for (const keyCount of options.quick ? QUICK_KEY_COUNTS : KEY_COUNTS) {
      const measured = await measureKeyCount(keyCount, options, [cachetTtl, cachetEager]);
      eager.push(...measured.results);
      misses.push(...measured.misses);
    }
    tables.push(eagerRefreshTable(eager.sort(byCase)));
    if (misses.length > 0) {
      tables.push({
        title: 'Hit path: WARNING',
        columns: ['library', 'keys', 'loader runs during timing'],
        rows: misses,
        notes: ['These libraries missed during the timed loops: their figures include loads.'],
      });
    }
    return tables;
  },
};
