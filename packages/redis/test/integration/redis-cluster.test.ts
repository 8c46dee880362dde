import type { TransportConnection } from '@cachet/core';
import { RedisSynchronization } from '@cachet/redis';
import { Cluster } from 'ioredis';
import { PrivateRedisCluster } from '../support/private-redis-cluster';
import { RecordingListener } from '../support/recording-listener';
import { disposeInstances, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';
import { UnhandledErrors } from '../support/unhandled-errors';

let cluster: PrivateRedisCluster;
let client: Cluster;
const unhandled = new UnhandledErrors();
const open: TransportConnection[] = [];

beforeAll(async () => {
  cluster = await PrivateRedisCluster.start();
  client = new Cluster(cluster.startupNodes);
}, 20_000);
afterAll(async () => {
  await client?.quit();
  await cluster?.stop();
});
beforeEach(() => unhandled.start());
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
  await disposeInstances();
  expect(unhandled.stop()).toEqual([]);
});

describe('RedisSynchronization on a Redis Cluster (classic pub/sub)', () => {
  it('delivers to every connection (each subscriber sits on a node ioredis picks), and leaves the given cluster open', async () => {
    const transport = new RedisSynchronization({ connection: client, channel: 'cluster-fan-out' });
    const peers = await Promise.all(
      [1, 2, 3].map(async () => {
        const listener = new RecordingListener();
        open.push(await transport.connect(listener));
        return listener;
      }),
    );

    await open[0]!.publish('across the cluster');

    for (const listener of peers) await listener.waitForMessage('across the cluster');
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    expect(client.status).toBe('ready');
  });

  it('keeps caching services coherent through a cluster client', async () => {
    const store = new Map([['apple', 1]]);
    const [a, b] = (await startInstances(2, store, { connection: client, channel: 'cluster-services' })) as [Instance, Instance];
    await b.inventory.stock('apple');
    const delivered = nextRemoteInvalidation(b.service);

    await a.inventory.setStock('apple', 2);
    await delivered;

    await expect(b.inventory.stock('apple')).resolves.toBe(2);
  });
});
