import { delay, nowNsNumber } from '../harness/clock.js';
import { formatNs, formatRatio } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { percentile } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import { peersOf, type RemotePeer } from '../remote/index.js';
import { openPair, type Pair, type SubscriptionOrder } from '../remote/pair-session.js';
import { reachableBuses } from './reachable-buses.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Invalidation latency across two processes';
const PACE_MS = 1;
const WARM_UP = 200;
const NOISE_GAUGE = 'floor again (noise gauge)';

/** Latency percentiles of one library, in ns, and how many invalidations never arrived. */
export interface LatencyResult {
  readonly name: string;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly lost: number;
  /** The p50 of each subscription order on its own. */
  readonly p50ByOrder: Readonly<Record<SubscriptionOrder, number>>;
}

/** What one library's pair measured in one subscription order. */
interface OrderSamples {
  readonly latencies: number[];
  readonly lost: number;
}

/**
 * Sends the invalidations of users `ids` through every pair, paced and interleaved (one user on each
 * pair in turn, then the next), so a slow moment of the machine lands on all libraries alike.
 */
async function measureInterleaved(pairs: readonly Pair[], ids: readonly number[], warmUpFrom: number): Promise<OrderSamples[]> {
  // Each call's promise is settled in the background, not awaited before the pause: a library whose promise
  // settles only on Redis' reply (the floor's PUBLISH) would otherwise keep a rhythm of its own, with the
  // harness idle while its message is in flight, unlike the libraries whose promise settles at once.
  const calls = new SettledCalls();
  for (let i = 0; i < WARM_UP; i++) {
    // Warm both processes' code paths on users the receivers do not hold (ids above the probe).
    for (const pair of pairs) {
      calls.add(pair.sender.invalidate(warmUpFrom + i));
      await delay(PACE_MS);
    }
  }
  const sentAtNs = pairs.map(() => new Map<number, number>());
  for (const [turn, id] of ids.entries()) {
    for (let step = 0; step < pairs.length; step++) {
      const index = (turn + step) % pairs.length;
      (sentAtNs[index] as Map<number, number>).set(id, nowNsNumber());
      calls.add((pairs[index] as Pair).sender.invalidate(id));
      await delay(PACE_MS);
    }
  }
  await calls.all();
  await delay(500);
  const samples: OrderSamples[] = [];
  for (const [index, pair] of pairs.entries()) {
    const { evictedAtNs } = await pair.receiver.report();
    const latencies: number[] = [];
    for (const [id, sentAt] of sentAtNs[index] as Map<number, number>) {
      const evictedAt = evictedAtNs[id] as number;
      if (!Number.isNaN(evictedAt)) latencies.push(evictedAt - sentAt);
    }
    samples.push({ latencies, lost: ids.length - latencies.length });
  }
  return samples;
}

/** Invalidation calls left to settle in the background; {@link SettledCalls.all} rethrows the first failure. */
class SettledCalls {
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  add(call: Promise<unknown>): void {
    this.pending.push(
      call.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  async all(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}

/** One library as the latency measurement opens it: its row name, and how to open a fresh pair of it. */
export interface LatencyContender {
  readonly name: string;
  /** Opens a pair whose receiver holds users `0..keyCount-1`, subscribed in `order`. */
  open(order: SubscriptionOrder, keyCount: number): Promise<Pair>;
}

/** A remote peer as a contender, under its own name unless given another. */
export function peerContender(peer: RemotePeer, url: string, name = peer.name): LatencyContender {
  return { name, open: (order, keyCount) => openPair(peer, url, keyCount, order) };
}

/** Opens a pair of every contender in `order`, measures `ids` through them, and closes them. */
async function measureOrder(contenders: readonly LatencyContender[], keyCount: number, order: SubscriptionOrder, ids: readonly number[]): Promise<OrderSamples[]> {
  const pairs: Pair[] = [];
  try {
    for (const contender of contenders) pairs.push(await contender.open(order, keyCount));
    return await measureInterleaved(pairs, ids, keyCount + 1);
  } finally {
    for (const pair of pairs) await pair.close();
  }
}

/**
 * Measures `count` paced invalidations per contender, half the users in each subscription order (fresh
 * pairs), and pools them per contender, in the order given.
 */
export async function measureBothOrders(contenders: readonly LatencyContender[], count: number): Promise<LatencyResult[]> {
  const ids = Array.from({ length: count }, (_, id) => id);
  const half = count >> 1;
  const byOrder = {
    'receiver-first': await measureOrder(contenders, count, 'receiver-first', ids.slice(0, half)),
    'sender-first': await measureOrder(contenders, count, 'sender-first', ids.slice(half)),
  };
  return contenders.map((contender, index) => {
    const first = byOrder['receiver-first'][index] as OrderSamples;
    const second = byOrder['sender-first'][index] as OrderSamples;
    const latencies = [...first.latencies, ...second.latencies];
    return {
      name: contender.name,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: Math.max(...latencies),
      lost: first.lost + second.lost,
      p50ByOrder: { 'receiver-first': percentile(first.latencies, 50), 'sender-first': percentile(second.latencies, 50) },
    };
  });
}

/**
 * Scenario 3: time from the publisher's invalidation call to the eviction in another process.
 *
 * Invalidations are paced (about one per millisecond, all libraries open at once and interleaved) so each one travels alone: this is the latency
 * of a lone invalidation, not of a queue. Both timestamps come from CLOCK_MONOTONIC. Half the users are
 * measured in each {@link SubscriptionOrder}, on fresh pairs.
 */
export const invalidationLatency: Scenario = {
  name: 'invalidation-latency',
  async run(options: BenchOptions): Promise<Table[]> {
    const { reachable, skipped } = await reachableBuses(TITLE, options);
    if (reachable.length === 0) return skipped;
    const count = options.quick ? 100 : 1_000;
    // Every bus's rows in one interleaved run, each row beside its bus's floor and cachet.
    const rows = reachable.flatMap((bus) => peersOf(bus).map((peer) => ({ bus, contender: peerContender(peer, bus.url) })));
    // The first floor once more, as the noise gauge: identical code, so whatever it differs from the floor by is noise.
    const gauged = rows[0] as (typeof rows)[number];
    rows.splice(1, 0, { bus: gauged.bus, contender: peerContender(gauged.bus.floor, gauged.bus.url, NOISE_GAUGE) });
    const results = await measureBothOrders(
      rows.map((row) => row.contender),
      count,
    );
    const resultOf = (peer: RemotePeer): LatencyResult | undefined => results.find((result) => result.name === peer.name);
    const gaugeFloor = resultOf(gauged.bus.floor);
    const gauge = results.find((result) => result.name === NOISE_GAUGE);
    return [
      {
        title: `${TITLE} over ${reachable.map((bus) => bus.bus.name).join(', ')}: ${count.toLocaleString('en-US')} paced invalidations`,
        columns: ['library', 'bus', 'p50', 'p90', 'p99', 'max', 'lost', 'p50 vs its floor', 'p99 vs its floor', 'p50 vs cachet', 'p99 vs cachet'],
        rows: results.map((result, index) => {
          const { bus } = rows[index] as (typeof rows)[number];
          const floor = resultOf(bus.floor);
          const cachet = resultOf(bus.cachet);
          return [
            result.name,
            bus.bus.name,
            formatNs(result.p50),
            formatNs(result.p90),
            formatNs(result.p99),
            formatNs(result.max),
            String(result.lost),
            formatRatio(result.p50, floor?.p50 ?? Number.NaN),
            formatRatio(result.p99, floor?.p99 ?? Number.NaN),
            formatRatio(result.p50, cachet?.p50 ?? Number.NaN),
            formatRatio(result.p99, cachet?.p99 ?? Number.NaN),
          ];
        }),
        notes: [
          `From just before the sender's invalidation call to the eviction in the receiving process; one invalidation every ~${PACE_MS} ms, libraries interleaved, after ${WARM_UP} warm-up ones each.`,
          "Each row is compared with the floor and with cachet over its own bus: the raw client's publish → subscribe → `lru.delete` (ioredis PUBLISH; `SELECT pg_notify` → LISTEN; NATS publish → subscribe), in the same run.",
          'Half the users go through pairs whose receiver subscribed first, half through fresh pairs whose sender subscribed first, pooled. Redis writes a message to the newest subscriber first, so a sender that also listens on the channel (cachet and bentocache, as real instances do) has its own copy written before the receiver\'s in the first order and after it in the second; a farm has both.',
          `Noise: the second ${gauged.bus.bus.name} floor row runs the floor's code again; this run it read ${formatRatio(gauge?.p50 ?? Number.NaN, gaugeFloor?.p50 ?? Number.NaN)} of the floor at p50 and ${formatRatio(gauge?.p99 ?? Number.NaN, gaugeFloor?.p99 ?? Number.NaN)} at p99. A ratio inside that distance of 1x says nothing.`,
          `p50 receiver first / sender first: ${results.map((result) => `${result.name} ${formatNs(result.p50ByOrder['receiver-first'])} / ${formatNs(result.p50ByOrder['sender-first'])}`).join('; ')}.`,
        ],
      },
      ...skipped,
    ];
  },
};
