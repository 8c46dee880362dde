import type { Cluster, Redis } from 'ioredis';

/** Reads what RedisL2 left in Redis (every master of a cluster), through a client of the test's own. */
export class RedisKeys {
  constructor(readonly client: Redis | Cluster) {}

  /** Every key that starts with `prefix`, such as a namespace's hash tag (`{prefix:namespace}`). */
  async all(prefix: string): Promise<string[]> {
    const nodes = this.client.isCluster ? (this.client as Cluster).nodes('master') : [this.client as Redis];
    const found: string[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1_000);
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    return found;
  }

  /** Deletes every key that starts with `prefix` (one namespace's: one slot): what a test leaves behind. */
  async drop(prefix: string): Promise<void> {
    for (const key of await this.all(prefix)) await this.client.unlink(key);
  }

  /** Entries and dependency records: every key of the namespace but its version state (`:m`) and invalidation records (`:i`). */
  async records(tag: string): Promise<number> {
    return (await this.all(`${tag}:`)).filter((key) => key !== `${tag}:m` && key !== `${tag}:i`).length;
  }
}
