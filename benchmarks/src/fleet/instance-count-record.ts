import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderLogLogFigure, type ChartPanel } from '../harness/svg-chart.js';

/** Where the recorded runs and their plot live: `benchmarks/results/` (this file runs from `dist/fleet/`). */
const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url));
const RECORD_FILE = `${RESULTS}instance-count.json`;
const PLOT_FILE = `${RESULTS}instance-count.svg`;

/** The figures of one instance count. */
export interface InstanceCountPoint {
  readonly instances: number;
  /** CPU time of the instance alone in its process, µs per second. */
  readonly cpuPerInstanceMicrosPerS: number;
  /** The same, the median of the window's 1 s slices: the steady cost, without the odd GC spike. */
  readonly cpuPerInstanceMedianSecondMicrosPerS: number;
  /** Messages that instance received per second, own echoes included. */
  readonly receivedPerInstancePerS: number;
  /** Redis' CPU time over the window minus its CPU time over a window with no instances, ms per second. */
  readonly redisCpuMsPerS: number;
  /** CPU time of the processes sharing the other instances, together, ms per second. */
  readonly farmCpuMsPerS: number;
  /** Gaps detected during the window and links down at its end, over all instances: non-zero means the machine did not cope. */
  readonly gaps: number;
  readonly down: number;
  /** The worst 99th percentile of event-loop delay among the fleet's processes, ms: high means they were short of CPU. */
  readonly loopDelayP99Ms: number;
}

/** Event-loop delay p99 of the farm above which a point counts as taken on an overloaded machine. */
const KEPT_UP_LOOP_DELAY_MS = 20;

/** Whether the machine carried the fleet of `point`: no gap, no link down, the farm's event loops on time. */
export function keptUp(point: InstanceCountPoint): boolean {
  return point.gaps === 0 && point.down === 0 && point.loopDelayP99Ms <= KEPT_UP_LOOP_DELAY_MS;
}

/** Propagation delay under a paced load. */
export interface LatencyFigures {
  readonly instances: number;
  readonly sent: number;
  readonly received: number;
  readonly paceMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** One run of the instance-count scenario, as recorded. */
export interface InstanceCountRun {
  readonly recordedAt: string;
  /** The engine measured (see {@link describeEngine}). */
  readonly engine: string;
  readonly node: string;
  readonly heartbeatIntervalMs: number;
  readonly windowSeconds: number;
  readonly processes: number;
  /** The machine's 1-minute load average when the sweep began and ended (2 cores: above 2, others were running too). */
  readonly loadAverage: readonly [number, number];
  /** Redis' CPU time over a window with no instances, ms per second (taken off every point). */
  readonly redisIdleCpuMsPerS: number;
  readonly points: readonly InstanceCountPoint[];
  readonly latency: LatencyFigures | undefined;
}

/** Recorded runs by label (`before`, `after`, …). */
export type InstanceCountRecords = Readonly<Record<string, InstanceCountRun>>;

/** The engine measured: the last commit that touched `packages/`, `-dirty` when they differ from it. */
export function describeEngine(): string {
  const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', cwd: RESULTS }).trim();
  try {
    return `${git('log', '-1', '--format=%h', '--', '../../packages')}${git('status', '--porcelain', '--', '../../packages') ? '-dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The runs recorded so far; none when the file does not exist yet. */
export function readRecords(): InstanceCountRecords {
  return existsSync(RECORD_FILE) ? (JSON.parse(readFileSync(RECORD_FILE, 'utf8')) as InstanceCountRecords) : {};
}

/** The figure: CPU per instance and Redis CPU against the instance count, one line per recorded run. */
function plot(records: InstanceCountRecords): string {
  const labels = Object.keys(records);
  const panel = (title: string, yLabel: string, value: (point: InstanceCountPoint) => number): ChartPanel => ({
    title,
    xLabel: 'instances on the channel',
    yLabel,
    series: labels.map((label) => ({
      name: label,
      points: (records[label] as InstanceCountRun).points.map((point) => ({ x: point.instances, y: value(point), hollow: !keptUp(point) })),
    })),
  });
  const heartbeat = new Set(labels.map((label) => (records[label] as InstanceCountRun).heartbeatIntervalMs));
  return renderLogLogFigure(`cachet idle cost against instance count (heartbeat ${[...heartbeat].join('/')} ms, log-log)`, [
    panel('CPU per instance, alone in its process', 'µs of CPU per second', (point) => point.cpuPerInstanceMicrosPerS),
    panel('Redis server CPU, idle Redis taken off', 'ms of CPU per second', (point) => point.redisCpuMsPerS),
  ], `Hollow: the machine (2 shared cores) did not keep up at that size (event-loop delay p99 over ${KEPT_UP_LOOP_DELAY_MS} ms in the farm, or gaps); a lower bound.`);
}

/** Records `run` under `label` (replacing an earlier one) and redraws the plot; returns every recorded run. */
export function recordRun(label: string, run: InstanceCountRun): { records: InstanceCountRecords; files: readonly string[] } {
  const records = { ...readRecords(), [label]: run };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(RECORD_FILE, `${JSON.stringify(records, null, 2)}\n`);
  writeFileSync(PLOT_FILE, plot(records));
  return { records, files: [RECORD_FILE, PLOT_FILE] };
}
