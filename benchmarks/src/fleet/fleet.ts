import { fileURLToPath } from 'node:url';
import { delay, nowNsNumber } from '../harness/clock.js';
import { ForkedProcess } from '../harness/forked-process.js';
import type { PrivateRedis } from '../harness/private-redis.js';
import type { HostControl, HostMessage, WindowReport } from './fleet-protocol.js';

const SCRIPT = fileURLToPath(new URL('./instance-host.js', import.meta.url));
const START_TIMEOUT_MS = 180_000;
const REPLY_TIMEOUT_MS = 30_000;

type Host = ForkedProcess<HostMessage, HostControl>;

/** How a fleet is laid out. */
export interface FleetOptions {
  readonly url: string;
  readonly channel: string;
  /** Instances in all, the one alone in its process included. */
  readonly instances: number;
  /** Processes that share the other `instances - 1`. */
  readonly processes: number;
  readonly heartbeatIntervalMs: number;
}

/** What an idle window measured. */
export interface IdleSample {
  /** CPU time of the instance alone in its process, in µs per second. */
  readonly aloneCpuMicrosPerS: number;
  /** The same, the median of its 1 s slices. */
  readonly aloneMedianSecondCpuMicrosPerS: number;
  /** Messages that instance received per second. */
  readonly aloneReceivedPerS: number;
  /** CPU time of the processes sharing the other instances, together, in ms per second. */
  readonly farmCpuMsPerS: number;
  /** Redis' CPU time over the window, in ms per second (its idle cost not yet taken off). */
  readonly redisCpuMsPerS: number;
  /** Gaps detected by any instance during the window, and instances whose link was down at its end. */
  readonly gaps: number;
  readonly down: number;
  /** The worst 99th percentile of event-loop delay among the processes sharing the other instances, in ms. */
  readonly loopDelayP99Ms: number;
}

function sum(reports: readonly WindowReport[], field: 'cpuMicros' | 'gaps' | 'down'): number {
  return reports.reduce((total, report) => total + report[field], 0);
}

/** Splits `total` into `parts` counts that differ by at most one. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, part) => Math.floor(total / parts) + (part < total % parts ? 1 : 0)).filter((count) => count > 0);
}

/**
 * cachet instances spread over child processes on one channel, as a farm of app instances would run them:
 * `instances - 1` shared by a few processes, plus one alone in its own process, whose CPU time is then its own.
 */
export class Fleet {
  private constructor(
    private readonly farm: readonly Host[],
    private readonly alone: Host,
  ) {}

  /** Starts the processes one after another (each connects its instances) and resolves once every instance is up. */
  static async start(options: FleetOptions): Promise<Fleet> {
    const started: Host[] = [];
    const startHost = async (instances: number, label: string): Promise<Host> => {
      const args = [options.url, options.channel, String(instances), String(options.heartbeatIntervalMs)];
      const host = ForkedProcess.fork<HostMessage, HostControl>(SCRIPT, args, [], label);
      started.push(host);
      await host.next('ready', START_TIMEOUT_MS);
      return host;
    };
    try {
      const farm: Host[] = [];
      for (const [index, count] of split(options.instances - 1, options.processes).entries()) farm.push(await startHost(count, `instance host ${index + 1}`));
      return new Fleet(farm, await startHost(1, 'lone instance host'));
    } catch (error) {
      await Promise.all(started.map((host) => host.close({ type: 'close' })));
      throw error;
    }
  }

  /** Measures every process and Redis over `windowMs` of idling. */
  async measureIdle(windowMs: number, redis: PrivateRedis): Promise<IdleSample> {
    const hosts = [...this.farm, this.alone];
    const redisBefore = await redis.cpuSeconds();
    const startedAt = nowNsNumber();
    await Promise.all(hosts.map((host) => host.request({ type: 'window-start', loopDelay: host !== this.alone }, 'window-started', REPLY_TIMEOUT_MS)));
    await delay(windowMs);
    const reports = await Promise.all(hosts.map((host) => host.request({ type: 'window-end' }, 'window', REPLY_TIMEOUT_MS)));
    const redisAfter = await redis.cpuSeconds();
    const elapsedS = (nowNsNumber() - startedAt) / 1e9;
    const alone = reports[reports.length - 1] as WindowReport;
    const farm = reports.slice(0, -1);
    const farmSeconds = farm.reduce((longest, report) => Math.max(longest, report.elapsedMs), 0) / 1_000;
    return {
      aloneCpuMicrosPerS: alone.cpuMicros / (alone.elapsedMs / 1_000),
      aloneMedianSecondCpuMicrosPerS: alone.medianSliceCpuMicrosPerS,
      aloneReceivedPerS: alone.received / (alone.elapsedMs / 1_000),
      farmCpuMsPerS: sum(farm, 'cpuMicros') / 1_000 / farmSeconds,
      redisCpuMsPerS: ((redisAfter - redisBefore) * 1_000) / elapsedS,
      gaps: sum(reports, 'gaps'),
      down: sum(reports, 'down'),
      loopDelayP99Ms: Math.max(...reports.map((report) => report.loopDelayP99Ms)),
    };
  }

  /**
   * The first farm instance invalidates `warmUp` then `count` keys, one every `paceMs`; resolves with the
   * delay from each call to the lone instance's `invalidate` event, in ns (fewer than `count` if some were lost).
   */
  async measureLatency(warmUp: number, count: number, paceMs: number): Promise<number[]> {
    const sender = this.farm[0] ?? this.alone;
    this.alone.send({ type: 'record-latencies' });
    // The sender's own pacing bounds the wait; the margin covers a loaded machine.
    await sender.request({ type: 'send', warmUp, count, paceMs }, 'sent', (warmUp + count) * paceMs * 10 + REPLY_TIMEOUT_MS);
    await delay(1_000);
    const { latenciesNs } = await this.alone.request({ type: 'latencies' }, 'latencies', REPLY_TIMEOUT_MS);
    return [...latenciesNs];
  }

  /** Disposes every instance and waits for the processes to exit. */
  async close(): Promise<void> {
    await Promise.all([...this.farm, this.alone].map((host) => host.close({ type: 'close' })));
  }
}
