import type { FailedMessage } from '../harness/forked-process.js';

/** What one host process measured over an idle window, summed over its instances. */
export interface WindowReport {
  /** CPU time of the whole host process (user + system), in µs. */
  readonly cpuMicros: number;
  /** The median of its CPU time per 1 s slice of the window, in µs per s: the steady cost, without the odd GC spike. */
  readonly medianSliceCpuMicrosPerS: number;
  /** Messages its instances received (`stats().sync.received`), own echoes included. */
  readonly received: number;
  /** Gaps its instances detected (their local caches cleared). */
  readonly gaps: number;
  /** Instances whose link was not up at the end of the window. */
  readonly down: number;
  /** 99th percentile of this process's event-loop delay over the window, in ms: how late its timers and reads ran (0 when not sampled). */
  readonly loopDelayP99Ms: number;
  /** Length of the window as this process measured it, in ms. */
  readonly elapsedMs: number;
}

/** Messages from a host process to the benchmark. */
export type HostMessage =
  | { readonly type: 'ready' }
  | FailedMessage
  | { readonly type: 'window-started' }
  | ({ readonly type: 'window' } & WindowReport)
  | { readonly type: 'sent' }
  | { readonly type: 'latencies'; readonly latenciesNs: readonly number[] };

/** Messages from the benchmark to a host process. */
export type HostControl =
  /** `loopDelay`: also sample the event-loop delay, which wakes the process 100 times a second (so not the measured lone instance's). */
  | { readonly type: 'window-start'; readonly loopDelay: boolean }
  | { readonly type: 'window-end' }
  /** The first instance invalidates `warmUp` then `count` keys, one every `paceMs`, each key carrying its send time. */
  | { readonly type: 'send'; readonly warmUp: number; readonly count: number; readonly paceMs: number }
  /** Start recording the delay of each remote invalidation sent by `send`. */
  | { readonly type: 'record-latencies' }
  /** Stop recording and reply with the delays. */
  | { readonly type: 'latencies' }
  | { readonly type: 'close' };

/** Arguments of a host process, in order. */
export interface HostArguments {
  readonly url: string;
  readonly channel: string;
  readonly instances: number;
  readonly heartbeatIntervalMs: number;
}
