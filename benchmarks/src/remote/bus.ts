import type { SynchronizationTransport } from '@cachet/core';
import type { BenchOptions } from '../harness/options.js';
import type { RawPubSub } from './raw-pubsub.js';

/** A pub/sub server cachet synchronizes over, as the cross-process scenarios measure it. */
export interface Bus {
  /** Its name in the tables: `Redis`, `PostgreSQL`, `NATS`. */
  readonly name: string;
  /** The environment variable that points the benchmark at another server. */
  readonly urlVariable: string;
  /** How to start a server when none answers. */
  readonly startHint: string;
  url(options: BenchOptions): string;
  /** Resolves to `undefined` when the server answers at `url`, or to the reason it does not. */
  probe(url: string): Promise<string | undefined>;
  /** The floor's row label. */
  readonly floorName: string;
  /** The raw client the floor uses. */
  readonly rawPubSub: RawPubSub;
  /** cachet's transport for this bus. */
  transport(url: string, channel: string): SynchronizationTransport;
}

/** A probe from `attempt` (connect and close): `undefined` when it succeeds, else its error's message. */
export async function failureOf(attempt: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await attempt();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
