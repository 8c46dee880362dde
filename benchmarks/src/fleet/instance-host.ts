/**
 * Child process of the instance-count scenario: runs `instances` cachet instances (a `CachingService` with
 * `RedisSynchronization` each, from the built packages) on one channel, and measures them on request.
 * Started by {@link Fleet}; never run by hand.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CachingService, MemoryBackend } from '@cachet/core';
import { RedisSynchronization } from '@cachet/redis';
import { delay, nowNsNumber } from '../harness/clock.js';
import { runChild, sendToParent } from '../harness/forked-process.js';
import { median } from '../harness/stats.js';
import type { HostArguments, HostControl, HostMessage } from './fleet-protocol.js';

/** Prefix of the keys the latency sender invalidates; the rest of the key is the send time in monotonic ns. */
const LATENCY_KEY = 'latency:';
/** Instances started at once: connecting hundreds at a time on 2 busy cores overruns the connect timeout. */
const START_BATCH = 25;
/** The window's CPU time is also read every this many ms, for the median second. */
const CPU_SLICE_MS = 1_000;
/** Sampling interval of the event-loop delay monitor, which its readings include. */
const LOOP_DELAY_RESOLUTION_MS = 10;

function send(message: HostMessage): void {
  sendToParent(message);
}

function parseArguments(argv: readonly string[]): HostArguments {
  const [url, channel, instances, heartbeatIntervalMs] = argv;
  const parsed = { url: url ?? '', channel: channel ?? '', instances: Number(instances), heartbeatIntervalMs: Number(heartbeatIntervalMs) };
  if (!parsed.url || !parsed.channel || !Number.isInteger(parsed.instances) || !Number.isInteger(parsed.heartbeatIntervalMs)) {
    throw new Error(`instance-host: bad arguments ${argv.join(' ')}`);
  }
  return parsed;
}

async function startInstances({ url, channel, instances, heartbeatIntervalMs }: HostArguments): Promise<CachingService[]> {
  const services: CachingService[] = [];
  for (let first = 0; first < instances; first += START_BATCH) {
    const batch = Array.from({ length: Math.min(START_BATCH, instances - first) }, () =>
      CachingService.create({
        backend: new MemoryBackend({ maxEntries: 1_000 }),
        synchronization: { transport: new RedisSynchronization({ connection: url, channel }), heartbeatIntervalMs },
      }),
    );
    await Promise.all(batch.map((service) => service.initialize()));
    services.push(...batch);
  }
  return services;
}

/** The counters a window is measured from, summed over `services`. */
function snapshot(services: readonly CachingService[]) {
  let received = 0;
  let gaps = 0;
  let down = 0;
  for (const service of services) {
    const sync = service.stats().sync;
    received += sync?.received ?? 0;
    gaps += sync?.gaps ?? 0;
    if (sync?.state !== 'up') down++;
  }
  return { received, gaps, down, cpu: process.cpuUsage(), atNs: nowNsNumber() };
}

/** Invalidates `warmUp` keys, then `count` keys each named after its send time, one every `paceMs`, without awaiting each call. */
async function sendPaced(service: CachingService, warmUp: number, count: number, paceMs: number): Promise<void> {
  const calls: Promise<void>[] = [];
  for (let i = 0; i < warmUp + count; i++) {
    calls.push(service.invalidate(i < warmUp ? 'warm-up' : `${LATENCY_KEY}${nowNsNumber()}`));
    await delay(paceMs);
  }
  await Promise.all(calls);
}

/** Records, for each remote invalidation of a latency key, the delay from its send time to the `invalidate` event. */
function recordLatencies(service: CachingService): () => number[] {
  const latenciesNs: number[] = [];
  const stop = service.on('invalidate', ({ source, keys }) => {
    if (source !== 'remote') return;
    const at = nowNsNumber();
    for (const key of keys) {
      const index = key.lastIndexOf(LATENCY_KEY);
      if (index >= 0) latenciesNs.push(at - Number(key.slice(index + LATENCY_KEY.length)));
    }
  });
  return () => {
    stop();
    return latenciesNs;
  };
}

/** This process's CPU time in consecutive slices of {@link CPU_SLICE_MS}, in µs each. */
class CpuSlices {
  private timer: NodeJS.Timeout | undefined;
  private micros: number[] = [];

  start(): void {
    this.micros = [];
    let last = process.cpuUsage();
    this.timer = setInterval(() => {
      const used = process.cpuUsage(last);
      last = process.cpuUsage();
      this.micros.push(used.user + used.system);
    }, CPU_SLICE_MS);
  }

  stop(): number[] {
    clearInterval(this.timer);
    return this.micros;
  }
}

async function main(): Promise<void> {
  const services = await startInstances(parseArguments(process.argv.slice(2)));
  const first = services[0] as CachingService;
  let windowStart: ReturnType<typeof snapshot> | undefined;
  let stopRecording: (() => number[]) | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  const slices = new CpuSlices();
  process.on('message', (message: HostControl) => {
    switch (message.type) {
      case 'window-start':
        windowStart = snapshot(services);
        loopDelay.reset();
        if (message.loopDelay) loopDelay.enable();
        slices.start();
        return send({ type: 'window-started' });
      case 'window-end': {
        const end = snapshot(services);
        const start = windowStart ?? end;
        const cpu = process.cpuUsage(start.cpu);
        loopDelay.disable();
        const sliceMicros = slices.stop();
        return send({
          type: 'window',
          cpuMicros: cpu.user + cpu.system,
          medianSliceCpuMicrosPerS: (median(sliceMicros) * 1_000) / CPU_SLICE_MS,
          received: end.received - start.received,
          gaps: end.gaps - start.gaps,
          down: end.down,
          loopDelayP99Ms: loopDelay.count > 0 ? Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS) : 0,
          elapsedMs: (end.atNs - start.atNs) / 1e6,
        });
      }
      case 'send':
        return void sendPaced(first, message.warmUp, message.count, message.paceMs).then(
          () => send({ type: 'sent' }),
          (error: unknown) => send({ type: 'failed', error: String(error) }),
        );
      case 'record-latencies':
        stopRecording = recordLatencies(first);
        return;
      case 'latencies':
        return send({ type: 'latencies', latenciesNs: stopRecording?.() ?? [] });
      case 'close':
        return void Promise.all(services.map((service) => service.dispose())).finally(() => process.exit(0));
    }
  });
  send({ type: 'ready' });
}

runChild(main);
