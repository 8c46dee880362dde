import { Cache, CachingService, InvalidateCache, type SynchronizationOptions } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { NatsSynchronization } from '@cachet/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { assertNatsReachable, NATS_URL, uniqueSubject } from '../support/nats-url';
import { PrivateNatsServer } from '../support/private-nats-server';

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
