import { delay, nowNsNumber } from '../harness/clock.js';
import { formatNs, formatRatio } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { probeRedis } from '../harness/redis-probe.js';
import { percentile } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { allRemotePeers, remoteCachet, remoteFloor } from '../remote/index.js';
import { openPair, type Pair } from '../remote/pair-session.js';
import { redisUnavailable } from './redis-unavailable.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Invalidation latency across two processes over Redis';
const PACE_MS = 1;
const WARM_UP = 200;

/** Latency percentiles of one library, in ns, and how many invalidations never arrived. */
interface LatencyResult {
  readonly name: string;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly lost: number;
}

/**
 * Sends `count` paced invalidations through every pair, interleaved (user 0 on each pair in turn,
 * then user 1, ...), so a slow moment of the machine lands on all libraries alike.
 */
async function measureInterleaved(pairs: readonly Pair[], count: number): Promise<LatencyResult[]> {
  for (let i = 1; i <= WARM_UP; i++) {
    // Warm both processes' code paths on users the receivers do not hold (ids above the probe).
    for (const pair of pairs) {
      await pair.sender.invalidate(count + i);
      await delay(PACE_MS);
    }
  }
  const sentAtNs = pairs.map(() => new Float64Array(count));
  for (let id = 0; id < count; id++) {
    for (let step = 0; step < pairs.length; step++) {
      const index = (id + step) % pairs.length;
      (sentAtNs[index] as Float64Array)[id] = nowNsNumber();
      await (pairs[index] as Pair).sender.invalidate(id);
      await delay(PACE_MS);
    }
  }
  await delay(500);
  const results: LatencyResult[] = [];
  for (const [index, pair] of pairs.entries()) {
    const report = await pair.receiver.report();
    const sent = sentAtNs[index] as Float64Array;
    const latencies = report.evictedAtNs.map((at, id) => at - (sent[id] as number)).filter((ns) => !Number.isNaN(ns));
    results.push({
      name: pair.peer.name,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      lost: count - report.evicted,
    });
  }
  return results;
}

/**
 * Scenario 3: time from the publisher's invalidation call to the eviction in another process.
 *
 * Invalidations are paced (about one per millisecond, all libraries open at once and interleaved) so each one travels alone: this is the latency
 * of a lone invalidation, not of a queue. Both timestamps come from CLOCK_MONOTONIC.
 */
export const invalidationLatency: Scenario = {
  name: 'invalidation-latency',
  async run(options: BenchOptions): Promise<Table[]> {
    const unreachable = await probeRedis(options.redisUrl);
    if (unreachable) return [redisUnavailable(TITLE, options.redisUrl, unreachable)];
    const count = options.quick ? 100 : 1_000;
    const pairs: Pair[] = [];
    let results: LatencyResult[];
    try {
      for (const peer of allRemotePeers) pairs.push(await openPair(peer, options.redisUrl, count));
      results = await measureInterleaved(pairs, count);
    } finally {
      for (const pair of pairs) await pair.close();
    }
    const floor = results.find((result) => result.name === remoteFloor.name);
    const cachet = results.find((result) => result.name === remoteCachet.name);
    return [
      {
        title: `${TITLE}: ${count.toLocaleString('en-US')} paced invalidations`,
        columns: ['library', 'p50', 'p90', 'p99', 'max', 'lost', 'p50 vs floor', 'p99 vs floor', 'p50 vs cachet', 'p99 vs cachet'],
        rows: results.map((result) => [
          result.name,
          formatNs(result.p50),
          formatNs(result.p90),
          formatNs(result.p99),
          formatNs(result.max),
          String(result.lost),
          formatRatio(result.p50, floor?.p50 ?? Number.NaN),
          formatRatio(result.p99, floor?.p99 ?? Number.NaN),
          formatRatio(result.p50, cachet?.p50 ?? Number.NaN),
          formatRatio(result.p99, cachet?.p99 ?? Number.NaN),
        ]),
        notes: [
          `From just before the sender's invalidation call to the eviction in the receiving process; one invalidation every ~${PACE_MS} ms, libraries interleaved, after ${WARM_UP} warm-up ones each.`,
        ],
      },
    ];
  },
};
