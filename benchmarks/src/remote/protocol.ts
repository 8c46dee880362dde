import type { FailedMessage } from '../harness/forked-process.js';

/** What the receiver process reports: when each user's entry was evicted (monotonic ns, NaN if never). */
export interface ReceiverReport {
  readonly evictedAtNs: readonly number[];
  readonly evicted: number;
  readonly duplicates: number;
}

/** Messages from the receiver process to the benchmark. */
export type ReceiverMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'probe' }
  | FailedMessage
  | ({ readonly type: 'report' } & ReceiverReport);

/** Messages from the benchmark to the receiver process. */
export type ControlMessage = { readonly type: 'report' } | { readonly type: 'close' };

/** Arguments of the receiver process, in order. */
export interface ReceiverArguments {
  readonly peer: string;
  readonly url: string;
  readonly channel: string;
  /** Users 0..keyCount-1 are measured; user `keyCount` is the probe that shows the subscription is live. */
  readonly keyCount: number;
}
