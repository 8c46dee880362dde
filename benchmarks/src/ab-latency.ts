/**
 * Same-run A/B of cachet's invalidation latency: the raw ioredis floor, cachet from this checkout and cachet
 * from another, built checkout (the baseline), interleaved in one run, in both subscription orders, for a
 * few rounds. A change to the lone-invalidation path moves the p50 ratio by 0.01–0.05x, less than separate
 * benchmark runs disagree on this kind of machine; inside one run it shows. See README.md, "Comparing two
 * builds".
 *
 * `node dist/ab-latency.js --baseline=<checkout> [--rounds=3] [--count=600]`
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatNs, formatRatio } from './harness/format.js';
import { probeRedis } from './harness/redis-probe.js';
import { median } from './harness/stats.js';
import { renderTable } from './harness/table.js';
import { remoteCachet, remoteFloor, type RemotePeer } from './remote/index.js';
import type { openPair } from './remote/pair-session.js';
import { type LatencyContender, type LatencyResult, measureBothOrders, peerContender } from './scenarios/invalidation-latency.js';

interface AbOptions {
  readonly baseline: string;
  readonly rounds: number;
  readonly count: number;
  readonly redisUrl: string;
}

function parseAbOptions(argv: readonly string[]): AbOptions {
  let baseline: string | undefined;
  let rounds = 3;
  let count = 600;
  for (const arg of argv) {
    const [flag, value = ''] = arg.split('=', 2);
    if (flag === '--baseline') baseline = resolve(value);
    else if (flag === '--rounds') rounds = integerAtLeast(flag, value, 1);
    else if (flag === '--count') count = integerAtLeast(flag, value, 2);
    else if (arg !== '--') throw new Error(`Unknown argument "${arg}": use --baseline=<checkout>, --rounds=N, --count=N`);
  }
  if (baseline === undefined) throw new Error('--baseline=<checkout> is required: a checkout of cachet with its packages and benchmarks built (see README.md).');
  return { baseline, rounds, count, redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' };
}

function integerAtLeast(flag: string, value: string, least: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < least) throw new Error(`${flag} expects an integer of at least ${least}, got "${value}"`);
  return number;
}

/** cachet as the baseline checkout's own benchmark build opens it (its receiver runs the baseline's code). */
async function baselineCachet(checkout: string, url: string): Promise<LatencyContender> {
  const remote = resolve(checkout, 'benchmarks/dist/remote');
  const entries = ['index.js', 'pair-session.js'].map((file) => resolve(remote, file));
  const missing = entries.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The baseline checkout is not built: ${missing.join(', ')} missing. In it, run \`pnpm install --frozen-lockfile && pnpm build && pnpm --filter @cachet/benchmarks run build\`.`);
  }
  const [index, session] = (await Promise.all(entries.map((file) => import(pathToFileURL(file).href)))) as [
    { remoteCachet: RemotePeer },
    { openPair: typeof openPair },
  ];
  return { name: 'cachet (baseline)', open: (order, keyCount) => session.openPair(index.remoteCachet, url, keyCount, order) };
}

function ratios(result: LatencyResult, floor: LatencyResult): { pooled: number; receiverFirst: number; senderFirst: number } {
  return {
    pooled: result.p50 / floor.p50,
    receiverFirst: result.p50ByOrder['receiver-first'] / floor.p50ByOrder['receiver-first'],
    senderFirst: result.p50ByOrder['sender-first'] / floor.p50ByOrder['sender-first'],
  };
}

async function main(): Promise<void> {
  const options = parseAbOptions(process.argv.slice(2));
  const unreachable = await probeRedis(options.redisUrl);
  if (unreachable) throw new Error(`Redis is not reachable at ${options.redisUrl} (${unreachable}); start one or set REDIS_URL.`);
  const contenders: LatencyContender[] = [
    peerContender(remoteFloor, options.redisUrl),
    peerContender(remoteCachet, options.redisUrl, 'cachet (this build)'),
    await baselineCachet(options.baseline, options.redisUrl),
  ];
  const rows: string[][] = [];
  const pooled = contenders.map((): number[] => []);
  for (let round = 1; round <= options.rounds; round++) {
    const results = await measureBothOrders(contenders, options.count);
    const floor = results[0] as LatencyResult;
    for (const [index, result] of results.entries()) {
      const ratio = ratios(result, floor);
      (pooled[index] as number[]).push(ratio.pooled);
      rows.push([String(round), result.name, formatNs(result.p50), formatRatio(result.p50, floor.p50), ratio.receiverFirst.toFixed(3) + 'x', ratio.senderFirst.toFixed(3) + 'x']);
    }
  }
  for (const [index, contender] of contenders.entries()) rows.push(['median', contender.name, '', `${median(pooled[index] as number[]).toFixed(3)}x`, '', '']);
  console.log(
    renderTable({
      title: `Same-run A/B of invalidation latency: ${options.rounds} rounds of ${options.count} paced invalidations per library`,
      columns: ['round', 'library', 'p50', 'p50 vs floor', 'receiver first', 'sender first'],
      rows,
      notes: [`Baseline: ${options.baseline}. Each round opens fresh pairs, half the users in each subscription order; the ratios per order are p50 against the floor's p50 in the same order.`],
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
