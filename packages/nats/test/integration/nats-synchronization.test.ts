import { Cache, CachingService, InvalidateCache, type SynchronizationOptions } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { NatsSynchronization } from '@cachet/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../redis/test/support/private-server';
import { assertNatsReachable, NATS_URL, uniqueSubject } from '../support/nats-url';
import { PrivateNatsServer } from '../support/private-nats-server';
import { StallingProxy } from '../support/stalling-proxy';

/** Stock levels read from a shared store, standing in for the database every instance uses. */
class Inventory {
  constructor(private readonly store: Map<string, number>) {}

  @Cache({ tags: (sku: string) => [`sku:${sku}`] })
  async stock(sku: string): Promise<number | undefined> {
    return this.store.get(sku);
  }

  @InvalidateCache('stock')
  async setStock(sku: string, value: number): Promise<void> {
    this.store.set(sku, value);
  }
}

/** Rely on the transport's down/up reports alone (no heartbeats), retrying publishes quickly. */
const sync: Omit<SynchronizationOptions, 'transport'> = { heartbeatIntervalMs: 0, initialRetryDelayMs: 20, maxRetryDelayMs: 200, publishAttempts: 100 };
const services: CachingService[] = [];

function start(transport: NatsSynchronization, store: Map<string, number>): { service: CachingService; inventory: Inventory } {
  const service = CachingService.create({ namespace: 'inventory', synchronization: { transport, ...sync } });
  services.push(service);
  return { service, inventory: service.bind(new Inventory(store)) };
}

beforeAll(() => assertNatsReachable());
afterEach(() => Promise.all(services.splice(0).map((service) => service.dispose())));

describe('NatsSynchronization', () => {
  it('fails initialize() with E_SYNC_CONNECT naming the address, its password hidden, when no server answers', async () => {
    const server = await PrivateNatsServer.start();
    await server.stop();
    const url = `nats://cachet:secret@127.0.0.1:${server.port}`;
    const { service } = start(new NatsSynchronization({ servers: url }), new Map());
    const failure = service.initialize();
    await expect(failure).rejects.toMatchObject({ code: 'E_SYNC_CONNECT', transport: 'nats' });
    await expect(failure).rejects.toThrow(`nats://cachet:***@127.0.0.1:${server.port}`);
    await expect(failure).rejects.not.toThrow('secret');
  });

  it('leaves the application’s connection open on dispose, with cachet’s subscriptions removed from the server', async () => {
    const connection: NatsConnection = await connect({ servers: NATS_URL });
    try {
      const subject = uniqueSubject('own-connection');
      const { service } = start(new NatsSynchronization({ connection, subject }), new Map());
      await service.initialize();
      await service.dispose();
      expect(connection.isClosed()).toBe(false);
      const received = connection.stats().inMsgs;
      connection.publish(subject, 'after dispose');
      await connection.flush();
      expect(connection.stats().inMsgs).toBe(received);
    } finally {
      await connection.close();
    }
  });
});

describe('CachingService over NatsSynchronization when nats-server is killed mid-traffic and restarted', () => {
  let server: PrivateNatsServer;
  beforeAll(async () => {
    server = await PrivateNatsServer.start();
  });
  afterAll(() => server?.stop());

  it('serves no stale entry after sync-up, and delivers or reports what was published meanwhile', async () => {
    const store = new Map([['apple', 1]]);
    const subject = uniqueSubject('kill');
    // A short reconnect wait keeps the test quick; the client's default is 2 s.
    const instances = [0, 1, 2].map(() => start(new NatsSynchronization({ servers: server.url, subject, reconnectTimeWait: 50 }), store));
    await Promise.all(instances.map(({ service }) => service.initialize()));
    const errors: unknown[] = [];
    for (const { service } of instances) service.on('error', (event) => errors.push(event.error));
    for (const { inventory } of instances) await inventory.stock('apple');

    // Traffic in flight while the server dies: each settles when the bus accepted it, or rejects (E_SYNC_PUBLISH).
    const traffic = Array.from({ length: 50 }, (_, i) => instances[i % 3]!.service.invalidateTags(`noise:${i}`).catch((error: unknown) => error));
    const downs = instances.map(({ service }) => nextEvent(service, 'sync-down'));
    await server.stop();
    await Promise.all(downs);

    // Written while every instance is cut off: B's engine holds the invalidation.
    await instances[1]!.inventory.setStock('apple', 2);
    const ups = instances.map(({ service }) => nextEvent(service, 'sync-up', () => true, 10_000));
    const gaps = instances.map(({ service }) => nextEvent(service, 'gap', () => true, 10_000));
    await server.restart();
    await Promise.all([...ups, ...gaps]);

    for (const { inventory } of instances) await expect(inventory.stock('apple')).resolves.toBe(2);
    // And they hear each other again (late noise may still arrive: wait for the entry that C cached).
    const delivered = nextEvent(instances[2]!.service, 'invalidate', (event) => event.source === 'remote' && event.removed > 0);
    await instances[0]!.inventory.setStock('apple', 3);
    await delivered;
    await expect(instances[2]!.inventory.stock('apple')).resolves.toBe(3);
    for (const outcome of await Promise.all(traffic)) if (outcome !== undefined) expect(outcome).toMatchObject({ code: 'E_SYNC_PUBLISH' });
    for (const error of errors) expect(error).toMatchObject({ code: 'E_SYNC_PUBLISH' });
  }, 30_000);
});

describe('CachingService over NatsSynchronization when the server drops it as a slow consumer', () => {
  // The server closes a client once more than max_pending bytes wait for it (a payload must fit in that).
  const config = 'max_payload: 65536\nmax_pending: 262144\n';
  const slowName = 'cachet-slow-consumer';
  let directory: string;
  let server: PrivateNatsServer;
  let monitorPort: number;
  let proxy: StallingProxy;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cachet-nats-'));
    await writeFile(join(directory, 'nats.conf'), config);
    monitorPort = await freePort();
    server = await PrivateNatsServer.start(['-c', join(directory, 'nats.conf'), '-m', String(monitorPort)]);
    proxy = await StallingProxy.start(server.port);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  /** Why the server closed the slow instance's connection, from its monitoring endpoint; undefined while open. */
  async function closedBecause(): Promise<string | undefined> {
    const response = await fetch(`http://127.0.0.1:${monitorPort}/connz?state=closed`);
    const { connections } = (await response.json()) as { connections: { name?: string; reason?: string }[] | null };
    return connections?.find((connection) => connection.name === slowName)?.reason;
  }

  it('reports sync-down, then sync-up with a gap that clears its cache, and serves no stale value', async () => {
    const store = new Map([['apple', 1]]);
    const subject = uniqueSubject('slow-consumer');
    const slow = start(new NatsSynchronization({ servers: proxy.url, subject, name: slowName, reconnectTimeWait: 50 }), store);
    const writer = start(new NatsSynchronization({ servers: server.url, subject }), store);
    await Promise.all([slow.service.initialize(), writer.service.initialize()]);
    await expect(slow.inventory.stock('apple')).resolves.toBe(1);

    // The slow instance stops reading; the writer sends a burst of large invalidations until the server
    // has more pending for it than max_pending (bounded: 1,000 rounds of about 100 kB).
    const down = nextEvent(slow.service, 'sync-down', () => true, 20_000);
    proxy.stall();
    const tags = (round: number): string[] => Array.from({ length: 200 }, (_, i) => `burst:${round}:${i}:${'x'.repeat(480)}`);
    let reason: string | undefined;
    for (let round = 0; (reason = await closedBecause()) === undefined; round++) {
      if (round === 1_000) throw new Error('the server never dropped the slow consumer');
      await writer.service.invalidateTags(...tags(round));
    }
    expect(reason).toMatch(/^Slow Consumer/);

    // Written once the server has dropped it: the slow instance cannot receive this invalidation.
    await writer.inventory.setStock('apple', 2);
    const up = nextEvent(slow.service, 'sync-up', () => true, 20_000);
    const gap = nextEvent(slow.service, 'gap', () => true, 20_000);
    proxy.resume();
    await expect(down).resolves.toMatchObject({ reason: { code: 'E_NATS_CONNECTION_LOST' } });
    await up;
    await expect(gap).resolves.toMatchObject({ reason: 'disconnect' });
    await expect(slow.inventory.stock('apple')).resolves.toBe(2);
  }, 60_000);
});
