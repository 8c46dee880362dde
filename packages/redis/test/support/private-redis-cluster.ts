import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { PrivateRedisServer } from './private-redis-server';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/** A three-master Redis Cluster of the test's own, on free loopback ports. Always `stop()` it in `afterAll`. */
export class PrivateRedisCluster {
  private constructor(
    readonly nodes: readonly PrivateRedisServer[],
    private readonly directory: string,
  ) {}

  /** Starts three cluster-mode servers, joins them with `redis-cli --cluster create`, and waits until the cluster is ok. */
  static async start(): Promise<PrivateRedisCluster> {
    const directory = mkdtempSync(join(tmpdir(), 'cachet-cluster-'));
    const nodes = await Promise.all(
      [0, 1, 2].map(() =>
        PrivateRedisServer.start((port) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(directory, `nodes-${port}.conf`)]),
      ),
    );
    const cluster = new PrivateRedisCluster(nodes, directory);
    try {
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes']);
      await Promise.all(nodes.map((node) => clusterOk(node.port)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Where an ioredis `Cluster` starts. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Resolves once the node reports `cluster_state:ok` (re-asked every 50 ms). */
async function clusterOk(port: number): Promise<void> {
  const client = new Redis({ port, lazyConnect: true });
  let ok = false;
  try {
    await waitFor(`cluster_state:ok on port ${port}`, () => ok, (wake) => {
      const timer = setInterval(() => {
        client.cluster('INFO').then((info) => {
          ok = String(info).includes('cluster_state:ok');
          wake();
        }, wake);
      }, 50);
      return () => clearInterval(timer);
    });
  } finally {
    client.disconnect();
  }
}
