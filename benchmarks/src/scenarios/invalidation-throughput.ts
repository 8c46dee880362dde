import { delay, nowNsNumber } from '../harness/clock.js';
import { formatNs, formatRate, formatRatio } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { probeRedis } from '../harness/redis-probe.js';
import { median } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { allRemotePeers, remoteCachet, remoteFloor, type RemotePeer } from '../remote/index.js';
import { withPair } from '../remote/pair-session.js';
import { redisUnavailable } from './redis-unavailable.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Invalidation throughput across two processes over Redis';

/** What one burst achieved. */
interface ThroughputResult {
  readonly name: string;
  /** Invalidations per second until the last invalidation call's promise settled. */
  readonly sentRate: number;
  /** Evictions per second seen by the receiver, from the first call to its last eviction. */
  readonly absorbedRate: number;
  /** From the last invalidation call (all issued) to the last eviction. */
  readonly lagNs: number;
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
    lost: rounds.reduce((lost, round) => lost + round.lost, 0),
  };
}

async function measure(peer: RemotePeer, url: string, count: number): Promise<ThroughputResult> {
  return withPair(peer, url, count, async ({ sender, receiver }) => {
    const startNs = nowNsNumber();
    const calls: Promise<unknown>[] = new Array(count);
    for (let id = 0; id < count; id++) calls[id] = sender.invalidate(id);
    const issuedNs = nowNsNumber();
    await Promise.all(calls);
    const sentNs = nowNsNumber();
    // Wait until every eviction arrived, or until the receiver made no progress for a second.
    let report = await receiver.report();
    for (let previous = -1; report.evicted < count && report.evicted !== previous; ) {
      previous = report.evicted;
      await delay(1_000);
      report = await receiver.report();
    }
    const lastEvictionNs = report.evictedAtNs.reduce((latest, at) => (at > latest ? at : latest), startNs);
    return {
      name: peer.name,
      sentRate: count / ((sentNs - startNs) / 1e9),
      absorbedRate: report.evicted / ((lastEvictionNs - startNs) / 1e9),
      lagNs: Math.max(0, lastEvictionNs - issuedNs),
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
    const unreachable = await probeRedis(options.redisUrl);
    if (unreachable) return [redisUnavailable(TITLE, options.redisUrl, unreachable)];
    const count = options.quick ? 2_000 : 50_000;
    const rounds = options.quick ? 1 : ROUNDS;
    const samples = allRemotePeers.map((): ThroughputResult[] => []);
    for (let round = 0; round < rounds; round++) {
      // A rotating order, so a slow phase of the machine is spread over all libraries.
      for (let step = 0; step < allRemotePeers.length; step++) {
        const index = (round + step) % allRemotePeers.length;
        (samples[index] as ThroughputResult[]).push(await measure(allRemotePeers[index] as RemotePeer, options.redisUrl, count));
      }
    }
    const results = samples.map(medianResult);
    const floor = results.find((result) => result.name === remoteFloor.name);
    const cachet = results.find((result) => result.name === remoteCachet.name);
    return [
      {
        title: `${TITLE}: ${count.toLocaleString('en-US')} distinct keys, as fast as possible`,
        columns: ['library', 'sent', 'absorbed', 'lag after last call', 'lost', 'absorbed vs floor', 'absorbed vs cachet'],
        rows: results.map((result) => [
          result.name,
          formatRate(result.sentRate),
          formatRate(result.absorbedRate),
          formatNs(result.lagNs),
          String(result.lost),
          formatRatio(result.absorbedRate, floor?.absorbedRate ?? Number.NaN),
          formatRatio(result.absorbedRate, cachet?.absorbedRate ?? Number.NaN),
        ]),
        notes: [
          'sent: calls per second until the last call settled; absorbed: evictions per second in the other process, from the first call to the last eviction (higher is better, so ratios above 1x mean faster).',
          'The floor publishes one key per PUBLISH, unbatched.',
          `Each figure is the median of ${rounds} burst${rounds === 1 ? '' : 's'} per library (fresh pairs, libraries in rotating order); lost counts every burst.`,
        ],
      },
    ];
  },
};
