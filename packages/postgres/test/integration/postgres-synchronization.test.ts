import { randomUUID } from 'node:crypto';
import { Cache, CachingService, InvalidateCache, type TransportConnection, type TransportListener } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { MAX_PAYLOAD_BYTES, PostgresListenerLostError, PostgresSynchronization, type PostgresConnection } from '@cachet/postgres';
import { Client } from 'pg';
import { assertPostgresReachable, DATABASE_URL } from '../support/database-url';

/** Prices read from a shared store (standing in for the table every instance reads). */
class Catalogue {
  constructor(private readonly store: Map<string, number>) {}

  @Cache({ tags: (sku: string) => [`sku:${sku}`] })
  async price(sku: string): Promise<number | undefined> {
    return this.store.get(sku);
  }

  @InvalidateCache('price')
  async setPrice(sku: string, value: number): Promise<void> {
    this.store.set(sku, value);
  }
}

const services: CachingService[] = [];
const connections: TransportConnection[] = [];
let admin: Client;

beforeAll(async () => {
  await assertPostgresReachable();
  admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
});
afterAll(() => admin.end());
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.dispose()));
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

async function startService(connection: PostgresConnection, channel: string): Promise<CachingService> {
  const service = CachingService.create({
    synchronization: { transport: new PostgresSynchronization({ connection, channel }), heartbeatIntervalMs: 300 },
  });
  services.push(service);
  await service.initialize();
  return service;
}

/** Collects the payloads one raw transport connection receives. */
class Inbox implements TransportListener {
  readonly payloads: string[] = [];
  #onMessage = (): void => {};
  message(payload: string): void {
    this.payloads.push(payload);
    this.#onMessage();
  }
  down(): void {}
  up(): void {}
  next(): Promise<string> {
    return new Promise((resolve) => (this.#onMessage = () => resolve(this.payloads.at(-1) as string)));
  }
}

describe('PostgresSynchronization', () => {
  it('reports down at once when the listening backend is terminated, comes back, and serves no stale price after sync-up', async () => {
    const channel = `cachet_test_${randomUUID().slice(0, 8)}`;
    const applicationName = `cachet-terminated-${randomUUID().slice(0, 8)}`;
    const store = new Map([['apple', 1]]);
    const victim = await startService({ connectionString: DATABASE_URL, application_name: applicationName }, channel);
    const writer = await startService(DATABASE_URL, channel);
    const errors: unknown[] = [];
    for (const service of [victim, writer]) service.on('error', ({ error }) => errors.push(error));
    const [victimCatalogue, writerCatalogue] = [victim.bind(new Catalogue(store)), writer.bind(new Catalogue(store))];
    expect(await victimCatalogue.price('apple')).toBe(1);

    const down = nextEvent(victim, 'sync-down', () => true, 5_000);
    const { rowCount } = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
      [applicationName],
    );
    expect(rowCount).toBe(1);
    expect((await down).reason).toBeInstanceOf(PostgresListenerLostError);

    // Missed by the victim, which is not listening any more.
    await writerCatalogue.setPrice('apple', 2);
    await nextEvent(victim, 'sync-up', () => true, 10_000);
    expect(await victimCatalogue.price('apple')).toBe(2);

    // And it hears invalidations again.
    const delivered = nextEvent(victim, 'invalidate', (event) => event.source === 'remote', 5_000);
    await writerCatalogue.setPrice('apple', 3);
    await delivered;
    expect(await victimCatalogue.price('apple')).toBe(3);
    expect(errors).toEqual([]);
  }, 30_000);

  it(`carries payloads of ${MAX_PAYLOAD_BYTES} bytes, the most PostgreSQL accepts, and rejects longer ones`, async () => {
    const channel = `cachet_test_${randomUUID().slice(0, 8)}`;
    const inbox = new Inbox();
    const connection = await new PostgresSynchronization({ connection: DATABASE_URL, channel }).connect(inbox);
    connections.push(connection);
    const largest = 'é'.repeat((MAX_PAYLOAD_BYTES - 1) / 2) + 'x';
    expect(Buffer.byteLength(largest)).toBe(MAX_PAYLOAD_BYTES);

    const received = inbox.next();
    await connection.publish(largest);
    expect(await received).toBe(largest);
    await expect(connection.publish(`${largest}x`)).rejects.toThrow(/payload string too long/);
  });

  it('delivers a burst of invalidations with long keys, split by the engine under the payload limit', async () => {
    const channel = `cachet_test_${randomUUID().slice(0, 8)}`;
    const store = new Map<string, number>();
    const skus = Array.from({ length: 200 }, (_, i) => `${String(i).padStart(4, '0')}-${'long-sku-'.repeat(60)}`);
    for (const sku of skus) store.set(sku, 1);
    const [writer, reader] = [await startService(DATABASE_URL, channel), await startService(DATABASE_URL, channel)];
    const readerCatalogue = reader.bind(new Catalogue(store));
    for (const sku of skus) await readerCatalogue.price(sku);
    expect(reader.stats().entries).toBe(skus.length);

    const remaining = new Set(skus.map((sku) => `sku:${sku}`));
    const allDelivered = new Promise<void>((resolve) =>
      reader.on('invalidate', ({ source, dependencies }) => {
        if (source !== 'remote') return;
        for (const tag of dependencies) remaining.delete(tag);
        if (remaining.size === 0) resolve();
      }),
    );
    // Over 100 KB of tags, each message at most MAX_PAYLOAD_BYTES.
    await Promise.all(skus.map((sku) => writer.invalidateTags(`sku:${sku}`)));
    await allDelivered;
    expect(reader.stats().entries).toBe(0);
    expect(reader.stats().sync).toMatchObject({ state: 'up', gaps: 0 });
  }, 30_000);
});
