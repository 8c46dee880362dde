import type { BenchOptions } from '../harness/options.js';
import type { Table } from '../harness/table.js';
import { remoteBuses, type BusPeers } from '../remote/index.js';

/** A bus whose server answered, and the URL it answered at. */
export interface ReachableBus extends BusPeers {
  readonly url: string;
}

/**
 * Probes every bus's server: the reachable ones are measured; each unreachable one gets a `SKIPPED`
 * table titled `title`, saying why and how to start one.
 */
export async function reachableBuses(title: string, options: BenchOptions): Promise<{ reachable: ReachableBus[]; skipped: Table[] }> {
  const reachable: ReachableBus[] = [];
  const skipped: Table[] = [];
  for (const peers of remoteBuses) {
    const url = peers.bus.url(options);
    const reason = await peers.bus.probe(url);
    if (reason === undefined) reachable.push({ ...peers, url });
    else {
      skipped.push({
        title: `${title} over ${peers.bus.name}: SKIPPED`,
        columns: [peers.bus.urlVariable, 'reason'],
        rows: [[url, reason]],
        notes: [peers.bus.startHint],
      });
    }
  }
  return { reachable, skipped };
}
