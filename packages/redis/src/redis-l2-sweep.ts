import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis-connection';

const BATCH = 1_000;

/** Escapes the characters that SCAN's MATCH pattern gives a meaning to. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Deletes (UNLINK) every key that starts with `prefix`, a generation a clear has put out of reach: the
 * clear itself was atomic; this only gives the memory back. SCAN walks the whole keyspace of the node
 * (of each master of a cluster) in steps, never blocking Redis for long.
 */
export async function sweep(client: RedisClient, prefix: string): Promise<void> {
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  const pattern = `${escapeGlob(prefix)}*`;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', BATCH);
      if (keys.length > 0) await node.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
