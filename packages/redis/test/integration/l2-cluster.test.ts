import { RedisL2 } from '@cachet/redis';
import { Cluster } from 'ioredis';
import { L2Instances } from '../support/catalogue';
import { describeRedisL2Conformance } from '../support/l2-conformance';
import { PrivateRedisCluster } from '../support/private-redis-cluster';
import { RedisKeys } from '../support/redis-keys';
import { nextRemoteInvalidation } from '../support/service-instances';

// Three masters on free ports, started and stopped by this file. Every RedisL2 script touches the keys of
// one namespace, which share one hash tag: one slot, so Redis Cluster runs each script on one node.
let cluster: PrivateRedisCluster;
const clients: Cluster[] = [];

function clusterClient(): Cluster {
  const client = new Cluster(cluster.startupNodes);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  cluster = await PrivateRedisCluster.start();
}, 20_000);

describeRedisL2Conformance('on a Redis Cluster, over the application\'s Cluster client', clusterClient, clients, {
  check: async () => undefined,
  inspector: () => new Cluster(cluster.startupNodes),
});

describe('RedisL2 key layout on a Redis Cluster', () => {
  it('keeps every key of a namespace in one slot, and spreads namespaces over the masters', async () => {
    const client = clusterClient();
    const keys = new RedisKeys(client);
    const namespaces = Array.from({ length: 12 }, (_, i) => `layout${i}`);
    const slotsByNamespace = new Map<string, Set<number>>();
    for (const namespace of namespaces) {
      const l2 = new RedisL2({ connection: client, keyPrefix: 'layout' });
      await l2.open({ namespace, listener: { down: () => undefined, up: () => undefined } });
      const read = await l2.get(`${namespace}:a`);
      const version = read.version;
      await l2.set(`${namespace}:a`, { value: Buffer.from('a'), dependencies: ['tag', `${namespace}:b`], stamp: { version }, ttlMs: 60_000 });
      await l2.invalidate([`${namespace}:c`], []);
      const found = await keys.all(`{layout:${namespace}}`);
      expect(found.length).toBeGreaterThanOrEqual(5); // meta, invalidation records, the entry, two dependency records
      slotsByNamespace.set(namespace, new Set(await Promise.all(found.map(async (key) => Number(await client.cluster('KEYSLOT', key))))));
      await l2.close();
    }
    for (const slots of slotsByNamespace.values()) expect(slots.size).toBe(1);
    const shards = await client.cluster('SLOTS');
    const masterOf = (slot: number): number | undefined => shards.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
    const masters = new Set([...slotsByNamespace.values()].map((slots) => masterOf([...slots][0] as number)));
    expect(masters.size).toBeGreaterThan(1);
    expect(client.status).toBe('ready');
  });
});

describe('caching services over RedisL2 on a Redis Cluster', () => {
  const instances = new L2Instances(clusterClient);
  beforeEach(() => instances.reset());
  afterEach(() => instances.disposeAll());

  it('share values, start warm, and invalidate across instances (store and bus over the Cluster client)', async () => {
    const [a, b] = [await instances.start(), await instances.start()];
    instances.db.set(1, 'lamp');
    expect(await a.catalogue.getOffer(1)).toBe('offer for lamp');
    expect(await b.catalogue.getOffer(1)).toBe('offer for lamp');
    expect(b.catalogue.runs).toMatchObject({ offer: 0, product: 0 });

    const delivered = nextRemoteInvalidation(b.service);
    await a.catalogue.updateProduct(1, 'desk lamp');
    await delivered;

    expect(await b.catalogue.getOffer(1)).toBe('offer for desk lamp');
    const late = await instances.start();
    expect(await late.catalogue.getOffer(1)).toBe('offer for desk lamp');
    expect(late.catalogue.runs).toMatchObject({ offer: 0, product: 0 });
  });
});

// After the suite's own afterAll, which quits the clients.
afterAll(() => cluster?.stop());
