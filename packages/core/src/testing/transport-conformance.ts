import assert from 'node:assert/strict';
import { Cache } from '../decorators/cache';
import { CachingService } from '../service/caching-service';
import { ENVELOPE_FORMAT_VERSION } from '../sync/envelope-codec';
import type { SynchronizationTransport, TransportConnection, TransportListener } from '../sync/transport';
import { nextEvent } from './next-event';

/** How the conformance suite gets transports of the implementation under test. */
export interface TransportConformanceOptions {
  /**
   * Creates a transport on the bus named `bus` (a channel, a topic…): transports created with the same
   * name must reach each other, and those of different names must not.
   */
  createTransport(bus: string): SynchronizationTransport | Promise<SynchronizationTransport>;
  /** Called after each test, to remove what the test created on the server. */
  afterEach?(): void | Promise<void>;
  /** How long to wait for one delivery before failing. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * A way to break the link of some transports, for the suite's outage cases (reported down, stalled,
   * reconnected, messages while down). Without it, those cases are not declared: every transport package
   * should give one.
   */
  readonly faults?: TransportFaults;
}

/** Transports whose link the suite can cut and heal, as a network or a broker outage would. */
export interface TransportFaults {
  /** A transport on the bus named `bus` (as {@link TransportConformanceOptions.createTransport}) whose link {@link TransportFaults.cut} breaks. */
  createTransport(bus: string): SynchronizationTransport | Promise<SynchronizationTransport>;
  /**
   * Stops every message to and from the transports made by {@link TransportFaults.createTransport}, their
   * later connections included, whether or not the transport notices (a silent, half-open link is the harder
   * case).
   */
  cut(): void | Promise<void>;
  /** Lets messages through again; connections broken by the cut may stay dead (the engine replaces them). */
  heal(): void | Promise<void>;
}

/** The heartbeat interval of the outage cases: a stalled link must be reported within three of them. */
const OUTAGE_HEARTBEAT_MS = 300;

/** The test-framework globals the suite needs (jest, vitest and mocha all provide them). */
interface TestGlobals {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  afterEach(body: () => Promise<void>): void;
}

/** Collects what one raw connection receives, and lets a test await the n-th payload. */
class Inbox implements TransportListener {
  readonly payloads: string[] = [];
  private waiters: (() => void)[] = [];
  message(payload: string): void {
    this.payloads.push(payload);
    for (const wake of this.waiters.splice(0)) wake();
  }
  down(): void {}
  up(): void {}
  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.payloads.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} payloads, received ${this.payloads.length} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

class Product {
  static loads = 0;
  @Cache({ tags: (id: number) => [`product:${id}`] })
  static async get(id: number): Promise<string> {
    Product.loads++;
    return `product ${id} v${Product.loads}`;
  }
}

let busCounter = 0;

/**
 * Declares the transport conformance suite: what every transport must do for the synchronization engine
 * to keep caches coherent over it. Run it from a transport package's tests against a real server.
 *
 * @example
 * ```ts
 * describeTransportConformance('redis', { createTransport: (bus) => new RedisSynchronization({ connection: url, channel: bus }) });
 * ```
 */
export function describeTransportConformance(name: string, options: TransportConformanceOptions): void {
  const { describe, it, afterEach } = globalThis as unknown as TestGlobals;
  const timeoutMs = options.timeoutMs ?? 5000;
  const testTimeout = timeoutMs * 4;
  const connections: TransportConnection[] = [];
  const services: CachingService[] = [];
  /** Whether a test cut the link and has not healed it (the next test must not start cut). */
  let cut = false;
  const newBus = (): string => `cachet-conformance-${process.pid}-${Date.now()}-${++busCounter}`;

  async function connect(bus: string): Promise<{ connection: TransportConnection; inbox: Inbox }> {
    const inbox = new Inbox();
    const connection = await (await options.createTransport(bus)).connect(inbox);
    connections.push(connection);
    return { connection, inbox };
  }

  async function servicesOn<N extends 1 | 3>(bus: string, count: N): Promise<N extends 1 ? [CachingService] : [CachingService, CachingService, CachingService]> {
    const created: CachingService[] = [];
    for (let i = 0; i < count; i++) {
      const service = CachingService.create({ synchronization: { transport: await options.createTransport(bus), heartbeatIntervalMs: 0 } });
      services.push(service);
      await service.initialize();
      created.push(service);
    }
    return created as N extends 1 ? [CachingService] : [CachingService, CachingService, CachingService];
  }

  describe(`${name} transport conformance`, () => {
    afterEach(async () => {
      if (cut) {
        cut = false;
        await options.faults?.heal();
      }
      await Promise.all(services.splice(0).map((service) => service.dispose()));
      await Promise.all(connections.splice(0).map((connection) => connection.close()));
      await options.afterEach?.();
    });

    it('delivers a payload published right after connect() resolves to every connection, the publisher included', async () => {
      const bus = newBus();
      const [a, b, c] = [await connect(bus), await connect(bus), await connect(bus)];
      await a.connection.publish('hello');
      for (const { inbox } of [a, b, c]) {
        await inbox.waitFor(1, timeoutMs);
        assert.equal(inbox.payloads[0], 'hello');
      }
    }, testTimeout);

    it('keeps text payloads intact (control characters, multi-byte and astral ones), up to half the advertised maximum size', async () => {
      const bus = newBus();
      const [a, b] = [await connect(bus), await connect(bus)];
      const text = Array.from({ length: 512 }, (_, i) => String.fromCharCode(i)).join('') + ' ünïcødé 日本語 🎉 "quoted" \\ \r\n';
      // 'é' takes two bytes in UTF-8: the limit is in bytes.
      const large = 'é'.repeat(Math.floor(a.connection.maxPayloadBytes / 4));
      await a.connection.publish(text);
      await a.connection.publish(large);
      await b.inbox.waitFor(2, timeoutMs);
      assert.ok(b.inbox.payloads.includes(text), 'the text payload arrived altered');
      assert.ok(b.inbox.payloads.includes(large), 'the large payload arrived altered');
    }, testTimeout);

    it('delivers one publisher\'s payloads in order when it says it is ordered', async () => {
      const bus = newBus();
      const [a, b] = [await connect(bus), await connect(bus)];
      const count = 50;
      await Promise.all(Array.from({ length: count }, (_, i) => a.connection.publish(String(i))));
      await b.inbox.waitFor(count, timeoutMs);
      const received = b.inbox.payloads.map(Number);
      if (a.connection.ordered) assert.deepEqual(received, Array.from({ length: count }, (_, i) => i));
      else assert.deepEqual([...received].sort((x, y) => x - y), Array.from({ length: count }, (_, i) => i));
    }, testTimeout);

    it('keeps buses apart', async () => {
      const [a, other] = [await connect(newBus()), await connect(newBus())];
      await other.connection.publish('other');
      await a.connection.publish('mine');
      await a.inbox.waitFor(1, timeoutMs);
      // `mine` arrived after `other` was accepted by the server: had `other` crossed over, it would be here too.
      assert.deepEqual(a.inbox.payloads, ['mine']);
    }, testTimeout);

    it('closes idempotently', async () => {
      const { connection } = await connect(newBus());
      await connection.close();
      await connection.close();
    }, testTimeout);

    it('carries key, tag and clear invalidations between three caching services, ignoring each one\'s own echo', async () => {
      const [a, b, c] = await servicesOn(newBus(), 3);
      // Each service caches its own copy of product 1 (the class is bound to one service at a time).
      for (const service of [a, b, c]) {
        service.bind(Product);
        await Product.get(1);
        await Product.get(2);
      }
      const entries = (service: CachingService): number => service.stats().entries;
      assert.deepEqual([a, b, c].map(entries), [2, 2, 2]);

      a.bind(Product);
      let delivered = Promise.all([b, c].map((service) => nextEvent(service, 'invalidate', (event) => event.source === 'remote', timeoutMs)));
      await a.invalidate(() => Product.get(1));
      await delivered;
      assert.deepEqual([a, b, c].map(entries), [1, 1, 1]);

      delivered = Promise.all([a, c].map((service) => nextEvent(service, 'invalidate', (event) => event.source === 'remote', timeoutMs)));
      await b.invalidateTags('product:2');
      await delivered;
      assert.deepEqual([a, b, c].map(entries), [0, 0, 0]);

      for (const service of [a, b, c]) {
        service.bind(Product);
        await Product.get(3);
      }
      delivered = Promise.all([a, b].map((service) => nextEvent(service, 'invalidate', (event) => event.all && event.source === 'remote', timeoutMs)));
      await c.clear();
      await delivered;
      assert.deepEqual([a, b, c].map(entries), [0, 0, 0]);
      // Each applied the two messages of the others, never its own.
      for (const service of [a, b, c]) {
        const sync = service.stats().sync;
        assert.ok(sync !== undefined && sync.applied === 2, `unexpected sync stats ${JSON.stringify(sync)}`);
      }
    }, testTimeout);

    it('drops foreign and corrupt payloads, counting them, without failing', async () => {
      const bus = newBus();
      const [service] = await servicesOn(bus, 1);
      const { connection } = await connect(bus);
      const dropped = nextEvent(service, 'dropped-message', (event) => event.reason === 'corrupt', timeoutMs);
      await connection.publish('not a cachet message');
      await connection.publish(`cachet/${ENVELOPE_FORMAT_VERSION} {`);
      await dropped;
      const stats = service.stats().sync;
      assert.equal(stats?.dropped.foreign, 1);
      assert.equal(stats?.dropped.corrupt, 1);
    }, testTimeout);

    const given = options.faults;
    if (given === undefined) return;
    const faults: TransportFaults = {
      createTransport: (bus) => given.createTransport(bus),
      cut: () => {
        cut = true;
        return given.cut();
      },
      heal: () => {
        cut = false;
        return given.heal();
      },
    };

    /** Services A (behind the fault) and B (not), both with short heartbeats, each caching product 1. */
    async function outagePair(bus: string): Promise<{ a: CachingService; b: CachingService }> {
      const synchronization = { heartbeatIntervalMs: OUTAGE_HEARTBEAT_MS, disposeTimeoutMs: 500 };
      const a = CachingService.create({ synchronization: { transport: await faults.createTransport(bus), ...synchronization } });
      const b = CachingService.create({ synchronization: { transport: await options.createTransport(bus), ...synchronization } });
      services.push(a, b);
      await Promise.all([a.initialize(), b.initialize()]);
      for (const service of [a, b]) {
        service.bind(Product);
        await Product.get(1);
      }
      return { a, b };
    }

    /** Cuts the link and resolves once `service` has reported it down. */
    async function cutAndAwaitDown(service: CachingService): Promise<void> {
      const down = nextEvent(service, 'sync-down', () => true, timeoutMs);
      await faults.cut();
      await down;
    }

    it(`reports a cut link down within three heartbeat intervals, and up again after it heals, with a gap recovered`, async () => {
      const { a } = await outagePair(newBus());
      const down = nextEvent(a, 'sync-down', () => true, timeoutMs);
      const cutAt = performance.now();
      await faults.cut();
      await down;
      const reportedAfter = performance.now() - cutAt;
      assert.ok(reportedAfter <= 3 * OUTAGE_HEARTBEAT_MS + 250, `sync-down came ${Math.round(reportedAfter)} ms after the cut`);
      const up = nextEvent(a, 'sync-up', () => true, 10_000);
      const gap = nextEvent(a, 'gap', () => true, 10_000);
      await faults.heal();
      await Promise.all([up, gap]);
      assert.equal(a.stats().sync?.state, 'up');
    }, testTimeout + 10_000);

    it('serves no stale entry after sync-up: what another instance invalidated during the outage is gone', async () => {
      const { a, b } = await outagePair(newBus());
      await cutAndAwaitDown(a);
      b.bind(Product);
      // Where the fault cuts the whole bus, B's message waits too: A must not need it, since it clears on recovery.
      const published = b.invalidateTags('product:1').catch(() => undefined);
      const up = nextEvent(a, 'sync-up', () => true, 10_000);
      await faults.heal();
      await up;
      a.bind(Product);
      const loadsBefore = Product.loads;
      await Product.get(1);
      assert.equal(Product.loads, loadsBefore + 1, 'product 1 was served from before the outage');
      await published;
    }, testTimeout + 10_000);

    it('publishes what was invalidated while the link was down once it is back', async () => {
      const { a, b } = await outagePair(newBus());
      await cutAndAwaitDown(a);
      const queued = a.invalidateTags('product:1').catch((error: unknown) => error);
      const delivered = nextEvent(b, 'invalidate', (event) => event.source === 'remote' && event.dependencies.includes('product:1'), 10_000);
      await faults.heal();
      await delivered;
      const outcome = await queued;
      // Accepted once the link was back, or reported as not yet accepted after confirmTimeoutMs: never lost.
      assert.ok(outcome === undefined || (outcome as { code?: string }).code === 'E_SYNC_PUBLISH', `unexpected outcome ${String(outcome)}`);
      assert.equal(b.stats().entries, 0);
    }, testTimeout + 10_000);
  });
}
