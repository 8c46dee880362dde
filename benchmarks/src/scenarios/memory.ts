import { elapsedNs, nowNs } from '../harness/clock.js';
import { formatBytes, formatNs, formatRatio } from '../harness/format.js';
import { canCollectGarbage, settledHeapUsed } from '../harness/heap.js';
import type { BenchOptions } from '../harness/options.js';
import { type Figure, ratioCells } from '../harness/ratios.js';
import { median } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { cachet, floor, jsonFloor, peers, UserStore, type Subject } from '../subjects/index.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Memory: retained heap per cached entry';

/** One row of the table: a library, with or without tags. */
interface Variant {
  readonly subject: Subject;
  readonly tags: boolean;
  readonly name: string;
}

function variants(): Variant[] {
  const plain = (subject: Subject): Variant => ({ subject, tags: false, name: subject.name });
  const tagged = (subject: Subject): Variant => ({ subject, tags: true, name: `${subject.name} + tags` });
  // The JSON.stringify floor is the one of issue 14's independent harness: its key is cheaper to build.
  const all = [floor, jsonFloor, cachet, ...peers];
  return [...all.map(plain), ...all.filter((subject) => subject.supportsTags).map(tagged)];
}

/** What filling one cache cost. */
interface Fill {
  /** Heap retained per entry once filled. */
  readonly bytesPerEntry: number;
  /** Time to fill it, one awaited miss after another. */
  readonly ns: number;
}

/** Fills a fresh cache with `entries` results of `getUser`: how long that took and the heap it retains per entry. */
async function fill(variant: Variant, entries: number): Promise<Fill> {
  const query = { include: ['profile', 'teams'] };
  const before = await settledHeapUsed();
  const store = new UserStore();
  const users = await variant.subject.create(store, { maxEntries: entries, tags: variant.tags });
  const start = nowNs();
  for (let id = 0; id < entries; id++) await users.getUser(id, query);
  const ns = elapsedNs(start);
  const after = await settledHeapUsed();
  if (store.executions !== entries) throw new Error(`${variant.name}: expected ${entries} loads, saw ${store.executions}`);
  await users.close();
  return { bytesPerEntry: (after - before) / entries, ns };
}

/**
 * Scenario 5: heap retained per entry once `entries` small results of the two-argument method are
 * cached (full GCs before and after; needs `--expose-gc`). The value is the same tiny object for every
 * library, so differences come from keys and per-entry bookkeeping.
 */
export const memory: Scenario = {
  name: 'memory',
  async run(options: BenchOptions): Promise<Table[]> {
    if (!canCollectGarbage()) {
      return [{ title: `${TITLE}: SKIPPED`, columns: ['reason'], rows: [['run with node --expose-gc (pnpm bench does)']] }];
    }
    const entries = options.quick ? 10_000 : 100_000;
    const rounds = options.quick ? 1 : 3;
    const all = variants();
    const samples = all.map((): Fill[] => []);
    for (let round = 0; round < rounds; round++) {
      for (let step = 0; step < all.length; step++) {
        const index = (round + step) % all.length;
        (samples[index] as Fill[]).push(await fill(all[index] as Variant, entries));
      }
    }
    const figuresOf = (read: (sample: Fill) => number): Figure[] =>
      all.map((variant, index) => ({ name: variant.name, value: median((samples[index] as Fill[]).map(read)) }));
    const valueOf = (figures: readonly Figure[], name: string): number => figures.find((figure) => figure.name === name)?.value ?? Number.NaN;
    const bytes = figuresOf((sample) => sample.bytesPerEntry);
    const times = figuresOf((sample) => sample.ns);
    const count = entries.toLocaleString('en-US');
    return [
      {
        title: `${TITLE}: ${count} results of getUser(id, { include })`,
        columns: ['library', 'bytes / entry', 'vs floor', 'vs cachet'],
        rows: bytes.map((figure) => [figure.name, formatBytes(figure.value), ...ratioCells(figure.value, bytes, floor.name, cachet.name)]),
        notes: [
          `Median of ${rounds} round(s). Value: { id, tier } (the same for every library); one tag per entry in the "+ tags" rows. Counts everything the library keeps per key (cachet's remembered keys included).`,
        ],
      },
      {
        title: `Fill: ${count} misses of getUser(id, { include }), one after another`,
        columns: ['library', 'time', 'per miss', 'vs floor', 'vs cachet'],
        rows: times.map((figure) => [figure.name, formatNs(figure.value), formatNs(figure.value / entries), ...ratioCells(figure.value, times, floor.name, cachet.name)]),
        notes: [
          `The fills measured for the table above (median of ${rounds} round(s)): each call awaited before the next, every one a miss that loads and stores.`,
          `cachet against the JSON.stringify floor (the floor of issue 14's independent harness): ${formatRatio(valueOf(times, cachet.name), valueOf(times, jsonFloor.name))}.`,
        ],
      },
    ];
  },
};
