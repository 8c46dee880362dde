import type { Table } from '../harness/table.js';

/** The table a Redis scenario prints instead of its figures when Redis cannot be reached. */
export function redisUnavailable(title: string, url: string, reason: string): Table {
  return {
    title: `${title}: SKIPPED`,
    columns: ['REDIS_URL', 'reason'],
    rows: [[url, reason]],
    notes: ['Start Redis (e.g. `redis-server --port 6379 --save "" --appendonly no`) or set REDIS_URL, then rerun.'],
  };
}
