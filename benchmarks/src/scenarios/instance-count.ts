import { cpus, loadavg } from 'node:os';
import { Fleet } from '../fleet/fleet.js';
import {
  describeEngine,
  recordRun,
  keptUp,
  type InstanceCountPoint,
  type InstanceCountRecords,
  type InstanceCountRun,
  type LatencyFigures,
} from '../fleet/instance-count-record.js';
import { delay } from '../harness/clock.js';
import { formatNumber } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { PrivateRedis } from '../harness/private-redis.js';
import { percentile } from '../harness/stats.js';
import type { Table } from '../harness/table.js';
import type { Scenario } from './scenario.js';

const TITLE = 'Idle cost against the number of instances on one channel';
const HEARTBEAT_MS = 1_000;
const PROCESSES = 4;
/** Propagation is measured at this instance count (or the largest swept below it). */
const LATENCY_AT = 200;
const LATENCY_PACE_MS = 5;
const LATENCY_WARM_UP = 100;

/** How long the scenario lets things settle and how much it sends, by mode. */
function plan(options: BenchOptions) {
  const below = options.instanceCounts.filter((count) => count <= LATENCY_AT);
  return {
    windowMs: options.windowSeconds * 1_000,
    // A fresh Node process spends ~7 ms/s of CPU between about 5 and 10 s of age (V8's start-up GC and
    // compilation), then idles: the window starts after that, or it would dwarf an instance's own cost.
    warmUpMs: options.quick ? 5_000 : 15_000,
    latencyAt: below.length > 0 ? Math.max(...below) : undefined,
    latencyCount: options.quick ? 200 : 2_000,
  };
}

/** Measures Redis alone (no instance connected) over `windowMs`: the idle cost taken off every point. */
async function idleRedisMsPerS(redis: PrivateRedis, windowMs: number): Promise<number> {
  const before = await redis.cpuSeconds();
  const started = performance.now();
  await delay(windowMs);
  const after = await redis.cpuSeconds();
  return ((after - before) * 1_000 * 1_000) / (performance.now() - started);
}

function latencyFigures(instances: number, sent: number, latenciesNs: readonly number[]): LatencyFigures {
  return {
    instances,
    sent,
    received: latenciesNs.length,
    paceMs: LATENCY_PACE_MS,
    p50Ms: percentile(latenciesNs, 50) / 1e6,
    p99Ms: percentile(latenciesNs, 99) / 1e6,
    maxMs: Math.max(...latenciesNs) / 1e6,
  };
}

/** Runs the sweep on a private Redis: one fleet per instance count, an idle window each, propagation at {@link LATENCY_AT}. */
async function sweep(options: BenchOptions, redis: PrivateRedis): Promise<InstanceCountRun> {
  const { windowMs, warmUpMs, latencyAt, latencyCount } = plan(options);
  const loadAtStart = loadavg()[0] as number;
  await delay(1_000);
  const redisIdle = await idleRedisMsPerS(redis, windowMs);
  const points: InstanceCountPoint[] = [];
  let latency: LatencyFigures | undefined;
  for (const instances of options.instanceCounts) {
    const fleet = await Fleet.start({ url: redis.url, channel: `cachet-bench-fleet-${process.pid}-${instances}`, instances, processes: PROCESSES, heartbeatIntervalMs: HEARTBEAT_MS });
    try {
      await delay(warmUpMs);
      const sample = await fleet.measureIdle(windowMs, redis);
      points.push({
        instances,
        cpuPerInstanceMicrosPerS: sample.aloneCpuMicrosPerS,
        cpuPerInstanceMedianSecondMicrosPerS: sample.aloneMedianSecondCpuMicrosPerS,
        receivedPerInstancePerS: sample.aloneReceivedPerS,
        redisCpuMsPerS: sample.redisCpuMsPerS - redisIdle,
        farmCpuMsPerS: sample.farmCpuMsPerS,
        gaps: sample.gaps,
        down: sample.down,
        loopDelayP99Ms: sample.loopDelayP99Ms,
      });
      if (instances === latencyAt) latency = latencyFigures(instances, latencyCount, await fleet.measureLatency(LATENCY_WARM_UP, latencyCount, LATENCY_PACE_MS));
    } finally {
      await fleet.close();
    }
    await delay(1_000);
  }
  return {
    recordedAt: new Date().toISOString(),
    engine: describeEngine(),
    node: process.version,
    heartbeatIntervalMs: HEARTBEAT_MS,
    windowSeconds: windowMs / 1_000,
    processes: PROCESSES,
    loadAverage: [loadAtStart, loadavg()[0] as number],
    redisIdleCpuMsPerS: redisIdle,
    points,
    latency,
  };
}

function idleTable(run: InstanceCountRun): Table {
  return {
    title: `${TITLE}: heartbeat every ${run.heartbeatIntervalMs} ms, ${run.windowSeconds} s idle window`,
    columns: ['instances', 'CPU per instance, alone in its process (µs/s): window / median second', 'messages received per instance per s', 'Redis CPU (ms/s)', `other instances' processes, CPU together (ms/s)`, 'event-loop delay p99, worst of those processes (ms)', 'gaps / links down'],
    rows: run.points.map((point) => [
      `${point.instances}${keptUp(point) ? '' : ' ⚠'}`,
      `${formatNumber(point.cpuPerInstanceMicrosPerS)} / ${formatNumber(point.cpuPerInstanceMedianSecondMicrosPerS)}`,
      formatNumber(point.receivedPerInstancePerS, 1),
      formatNumber(point.redisCpuMsPerS, 1),
      formatNumber(point.farmCpuMsPerS),
      formatNumber(point.loopDelayP99Ms, 1),
      `${point.gaps} / ${point.down}`,
    ]),
    notes: [
      `N cachet instances (CachingService + RedisSynchronization, built packages) on one channel of a private redis-server: N − 1 shared by up to ${run.processes} processes, 1 alone in its own process, whose process.cpuUsage() is "CPU per instance": over the whole window, and the median of its 1 s slices (a major GC now and then adds 10–25 ms to one second, ~1 ms/s to a 15 s window). Its messages come from stats().sync.received (own echoes included).`,
      `Machine load average (1 min) ${formatNumber(run.loadAverage[0], 1)} at the start, ${formatNumber(run.loadAverage[1], 1)} at the end, on ${cpus().length} cores: CPU time per wake-up grows when other processes share the cores.`,
      `Redis CPU is the server's INFO cpu (used_cpu_sys + used_cpu_user) over the window, minus the same over a window with no instance connected (${formatNumber(run.redisIdleCpuMsPerS, 2)} ms/s this run).`,
      '⚠: the machine did not keep up at that size. An event-loop delay of tens of ms, gaps, links down, or fewer messages than the instances publish mean the machine did not keep up at that size: its processes were short of CPU, so messages arrived in bursts and each wake-up handled several, which makes per-message costs look lower. On 2 shared cores, read the trend, not the last digit.',
    ],
  };
}

function latencyTable(latency: LatencyFigures): Table {
  return {
    title: `Propagation at ${latency.instances} instances under a paced load`,
    columns: ['instances', 'invalidations', 'received', 'p50', 'p99', 'max'],
    rows: [[String(latency.instances), String(latency.sent), String(latency.received), `${formatNumber(latency.p50Ms, 2)} ms`, `${formatNumber(latency.p99Ms, 2)} ms`, `${formatNumber(latency.maxMs, 1)} ms`]],
    notes: [
      `One instance of the farm invalidates a key every ~${latency.paceMs} ms (after ${LATENCY_WARM_UP} warm-up ones); the key carries the send time read from CLOCK_MONOTONIC (process.hrtime.bigint(), one clock for every process of the machine). The lone instance takes its 'invalidate' event (source 'remote') minus that time.`,
    ],
  };
}

/** Before and after side by side (every recorded label), once more than one run is recorded. */
function comparisonTable(records: InstanceCountRecords): Table | undefined {
  const labels = Object.keys(records);
  if (labels.length < 2) return undefined;
  const runs = labels.map((label) => records[label] as InstanceCountRun);
  const counts = [...new Set(runs.flatMap((run) => run.points.map((point) => point.instances)))].sort((a, b) => a - b);
  const cells = (instances: number, value: (point: InstanceCountPoint) => string): string[] =>
    runs.map((run) => {
      const point = run.points.find((candidate) => candidate.instances === instances);
      return point ? value(point) : '';
    });
  const latency = runs.map((run, index) => (run.latency ? `${labels[index]}: p50 ${formatNumber(run.latency.p50Ms, 2)} ms, p99 ${formatNumber(run.latency.p99Ms, 2)} ms at ${run.latency.instances} instances` : undefined));
  return {
    title: `${TITLE}: recorded runs (${labels.join(', ')})`,
    columns: [
      'instances',
      ...labels.map((label) => `CPU per instance µs/s (${label})`),
      ...labels.map((label) => `messages per instance per s (${label})`),
      ...labels.map((label) => `Redis CPU ms/s (${label})`),
    ],
    rows: counts.map((instances) => [
      String(instances),
      ...cells(instances, (point) => formatNumber(point.cpuPerInstanceMicrosPerS)),
      ...cells(instances, (point) => formatNumber(point.receivedPerInstancePerS, 1)),
      ...cells(instances, (point) => formatNumber(point.redisCpuMsPerS, 1)),
    ]),
    notes: [`Propagation: ${latency.filter(Boolean).join('; ')}.`, `Runs: ${labels.map((label, index) => `${label} engine ${runs[index]?.engine} at ${runs[index]?.recordedAt}`).join('; ')}.`],
  };
}

/**
 * Scenario 6 (not in the default run: it takes minutes and loads the machine): the idle cost of a farm of
 * cachet instances against their number, and propagation under load at {@link LATENCY_AT} instances.
 */
export const instanceCount: Scenario = {
  name: 'instance-count',
  optIn: true,
  async run(options: BenchOptions): Promise<Table[]> {
    const redis = await PrivateRedis.start();
    let run: InstanceCountRun;
    try {
      run = await sweep(options, redis);
    } finally {
      await redis.stop();
    }
    const tables = [idleTable(run), ...(run.latency ? [latencyTable(run.latency)] : [])];
    if (options.record === undefined) return tables;
    const { records, files } = recordRun(options.record, run);
    const comparison = comparisonTable(records);
    console.log(`Recorded as "${options.record}" in ${files.join(' and ')}`);
    return comparison ? [...tables, comparison] : tables;
  },
};
