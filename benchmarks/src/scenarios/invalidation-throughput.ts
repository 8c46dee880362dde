import { delay, nowNsNumber } from '../harness/clock.js';
import { formatNs, formatRate, formatRatio } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { median, percentile } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { peersOf, type RemotePeer } from '../remote/index.js';
import { withPair } from '../remote/pair-session.js';
import { reachableBuses, type ReachableBus } from './reachable-buses.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Invalidation throughput across two processes';

/** What one burst achieved. */
interface ThroughputResult {
  readonly name: string;
  /** Invalidations per second until the last invalidation call's promise settled. */
  readonly sentRate: number;
  /** Evictions per second seen by the receiver, from the first call to its last eviction. */
  readonly absorbedRate: number;
  /** The receiver's lag: from the sender's last invalidation call (all issued) to the last eviction. */
  readonly lagNs: number;
  /** Per-key latency, from each key's invalidation call in the sender to its eviction in the receiver. */
  readonly keyP50Ns: number;
  readonly keyP99Ns: number;
  readonly lost: number;
}

/** Bursts per library; each figure reported is the median of its rounds. */
const ROUNDS = 3;

/** The median of each figure over the rounds of one library, and every loss. */
function medianResult(rounds: readonly ThroughputResult[]): ThroughputResult {
  const first = rounds[0] as ThroughputResult;
  return {
    name: first.name,
    sentRate: median(rounds.map((round) => round.sentRate)),
    absorbedRate: median(rounds.map((round) => round.absorbedRate)),
    lagNs: median(rounds.map((round) => round.lagNs)),
    keyP50Ns: median(rounds.map((round) => round.keyP50Ns)),
    keyP99Ns: median(rounds.map((round) => round.keyP99Ns)),
    lost: rounds.reduce((lost, round) => lost + round.lost, 0),
  };
}

/** A promise that resolves once `count` calls have settled (rejects at the first failure), and its callbacks. */
function countSettled(count: number): { all: Promise<void>; one: () => void; failed: (error: unknown) => void } {
  let left = count;
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const all = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { all, one: () => void (--left === 0 && resolve()), failed: reject };
}

async function measure(peer: RemotePeer, url: string, count: number): Promise<ThroughputResult> {
  return withPair(peer, url, count, async ({ sender, receiver }) => {
    // Each call is timestamped as it is made, on the machine's monotonic clock (see nowNsNumber), which the
    // receiver process reads too when it evicts: the two subtract directly.
    const calledAtNs = new Float64Array(count);
    // Settlements are counted by a callback attached in the loop, not by a Promise.all after it: that alone
    // takes 2-60 ms over 50,000 promises on 2 busy cores, and would hold back whatever a library sends once
    // its caller yields, landing in the lag measured.
    const settled = countSettled(count);
    const startNs = nowNsNumber();
    for (let id = 0; id < count; id++) {
      calledAtNs[id] = nowNsNumber();
      sender.invalidate(id).then(settled.one, settled.failed);
    }
    const issuedNs = nowNsNumber();
    await settled.all;
    const sentNs = nowNsNumber();
    // Wait until every eviction arrived, or until the receiver made no progress for a second.
    let report = await receiver.report();
    for (let previous = -1; report.evicted < count && report.evicted !== previous; ) {
      previous = report.evicted;
      await delay(1_000);
      report = await receiver.report();
    }
    const lastEvictionNs = report.evictedAtNs.reduce((latest, at) => (at > latest ? at : latest), startNs);
    const keyLatencies = report.evictedAtNs.map((at, id) => at - (calledAtNs[id] as number)).filter((latency) => !Number.isNaN(latency));
    return {
      name: peer.name,
      sentRate: count / ((sentNs - startNs) / 1e9),
      absorbedRate: report.evicted / ((lastEvictionNs - startNs) / 1e9),
      lagNs: Math.max(0, lastEvictionNs - issuedNs),
      keyP50Ns: percentile(keyLatencies, 50),
      keyP99Ns: percentile(keyLatencies, 99),
      lost: count - report.evicted,
    };
  });
}

/**
 * Scenario 4: distinct keys invalidated as fast as the API allows (every call issued before any is
 * awaited), and how fast the other process absorbs them, how far behind it ends, and what it lost.
 */
export const invalidationThroughput: Scenario = {
  name: 'invalidation-throughput',
  async run(options: BenchOptions): Promise<Table[]> {
    const { reachable, skipped } = await reachableBuses(TITLE, options);
    if (reachable.length === 0) return skipped;
    const count = options.quick ? 2_000 : 50_000;
    const rounds = options.quick ? 1 : ROUNDS;
    const rows: { bus: ReachableBus; peer: RemotePeer }[] = reachable.flatMap((bus) => peersOf(bus).map((peer) => ({ bus, peer })));
    const samples = rows.map((): ThroughputResult[] => []);
    for (let round = 0; round < rounds; round++) {
      // A rotating order, so a slow phase of the machine is spread over all libraries.
      for (let step = 0; step < rows.length; step++) {
        const index = (round + step) % rows.length;
        const { bus, peer } = rows[index] as (typeof rows)[number];
        (samples[index] as ThroughputResult[]).push(await measure(peer, bus.url, count));
      }
    }
    const results = samples.map(medianResult);
    const resultOf = (peer: RemotePeer): ThroughputResult | undefined => results.find((result) => result.name === peer.name);
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    return [
      {
        title: `${TITLE} over ${reachable.map((bus) => bus.bus.name).join(', ')}: ${count.toLocaleString('en-US')} distinct keys, as fast as possible`,
        columns: ['library', 'bus', 'sent', 'absorbed', 'per-key p50', 'per-key p99', 'receiver lag after last call', 'lost', 'absorbed vs its floor', 'absorbed vs cachet'],
        rows: rows.map(({ bus }, index) => {
          const result = results[index] as ThroughputResult;
          return [
          result.name,
          bus.bus.name,
          formatRate(result.sentRate),
          formatRate(result.absorbedRate),
          formatNs(result.keyP50Ns),
          formatNs(result.keyP99Ns),
          formatNs(result.lagNs),
          String(result.lost),
          formatRatio(result.absorbedRate, resultOf(bus.floor)?.absorbedRate ?? Number.NaN),
          formatRatio(result.absorbedRate, resultOf(bus.cachet)?.absorbedRate ?? Number.NaN),
          ];
        }),
        notes: [
          'sent: calls per second until the last call settled; absorbed: evictions per second in the other process, from the first call to the last eviction (higher is better, so ratios above 1x mean faster).',
          "per-key: from each key's invalidation call in the sender to its eviction in the receiver; receiver lag: from the sender's last call (all issued) to the receiver's last eviction. Both processes read CLOCK_MONOTONIC (`process.hrtime.bigint()`), one clock for the machine, so their readings subtract directly.",
          "Each row is compared with the floor and with cachet over its own bus. Each floor sends one key per message, unbatched: ioredis PUBLISH; `SELECT pg_notify($1, $2)` through a node-postgres `Pool` of its default 10 clients → LISTEN; NATS publish → subscribe.",
          `Each figure is the median of ${rounds} burst${rounds === 1 ? '' : 's'} per library (fresh pairs, libraries in rotating order); lost counts every burst.`,
          ...samples.map(
            (bursts, index) =>
              `${rows[index]?.peer.name}, each burst: per-key p50 ${bursts.map((burst) => ms(burst.keyP50Ns)).join(' / ')} ms; p99 ${bursts.map((burst) => ms(burst.keyP99Ns)).join(' / ')} ms; lag ${bursts.map((burst) => ms(burst.lagNs)).join(' / ')} ms; absorbed ${bursts.map((burst) => formatRate(burst.absorbedRate)).join(' / ')}.`,
          ),
        ],
      },
      ...skipped,
    ];
  },
};
