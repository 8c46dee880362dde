import type { DisconnectedPolicy } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import type { RedisConnection } from '@cachet/redis';
import { Redis } from 'ioredis';
import { useCrashingRedis } from '../support/crashing-redis';
import { LinkEvents } from '../support/link-events';
import { uniqueChannel } from '../support/redis-url';
import { disposeInstances, eventually, startInstances, type Instance } from '../support/services';
import { TcpProxy, type BlackholeOptions, type HealOutcome, type ProxiedConnection } from '../support/tcp-proxy';

// Issue #13, "Link health, whoever made the client": an instance whose publisher, subscriber or whole
// link goes half-open (its sockets open, nothing coming through) is reported down within 3 heartbeat
// intervals, is up within 10 s of the network healing, and serves no stale value after its `sync-up`,
// whether it was given a URL, ioredis options, or the application's own client.

const HEARTBEAT_INTERVAL_MS = 300;
const DOWN_WITHIN_MS = 3 * HEARTBEAT_INTERVAL_MS + 250;
const UP_WITHIN_MS = 10_000;
/** How long past its bound a late event is still awaited, so a failure says how late it was. */
const GRACE_MS = 4_000;
const SKUS = Array.from({ length: 40 }, (_, i) => `sku-${i}`);
const OLD = SKUS.map(() => 0);
const NEW = SKUS.map((_, i) => i + 1);

/** How instance A reaches Redis, through the proxy. */
interface Configuration {
  readonly name: string;
  connect(proxy: TcpProxy): Promise<RedisConnection>;
}

/** The application's own clients, which the application closes (cachet must not). */
const applicationClients: Redis[] = [];

const configurations: readonly Configuration[] = [
  { name: 'a URL', connect: async (proxy) => proxy.url },
  { name: 'ioredis options', connect: async (proxy) => ({ host: '127.0.0.1', port: proxy.port }) },
  {
    name: "the application's own client",
    connect: async (proxy) => {
      const client = new Redis(proxy.url);
      client.on('error', () => undefined); // the application handles its client's connection errors
      applicationClients.push(client);
      await client.set('app:greeting', 'hello'); // the application uses it too
      return client;
    },
  },
];

/** Which of A's connections goes half-open. */
interface Fault {
  readonly name: string;
  blackhole(proxy: TcpProxy): Promise<BlackholeOptions>;
}

const wholeLink: Fault = { name: 'its whole link', blackhole: async () => ({ newConnections: 'hang' }) };
const subscriberOnly: Fault = {
  name: 'only its subscriber',
  blackhole: async (proxy) => ({ connection: await proxy.waitForConnection('sent SUBSCRIBE', (c) => c.hasSent('SUBSCRIBE')) }),
};
const publisherOnly: Fault = {
  name: 'only its publisher',
  blackhole: async (proxy) => ({ connection: await proxy.waitForConnection('sent PUBLISH', isPublisher) }),
};

function isPublisher(connection: ProxiedConnection): boolean {
  return connection.hasSent('PUBLISH') && !connection.hasSent('SUBSCRIBE');
}

interface Scenario {
  readonly fault: Fault;
  readonly policy: DisconnectedPolicy;
  readonly outcome: HealOutcome;
}

const scenarios: readonly Scenario[] = [
  { fault: wholeLink, policy: 'serve-local', outcome: 'reset' },
  { fault: wholeLink, policy: 'bypass', outcome: 'reset' },
  { fault: wholeLink, policy: 'serve-local', outcome: 'resume' },
  { fault: subscriberOnly, policy: 'serve-local', outcome: 'reset' },
  { fault: publisherOnly, policy: 'serve-local', outcome: 'reset' },
];

let proxy: TcpProxy | undefined;
let events: LinkEvents | undefined;
// A test that fails may leave A's link dark: the proxy goes first, so that disposing never waits on it.
jest.setTimeout(DOWN_WITHIN_MS + UP_WITHIN_MS + 5 * GRACE_MS);
const redis = useCrashingRedis(async () => {
  events?.stop();
  await proxy?.close();
  proxy = undefined;
  await disposeInstances();
  for (const client of applicationClients.splice(0)) client.disconnect();
});

function readAll(instance: Instance): Promise<(number | undefined)[]> {
  return Promise.all(SKUS.map((sku) => instance.inventory.stock(sku)));
}

/** Resolves soon after `instance`'s next own message or probe has come back (its stats count echoes; no event does). */
async function nextEcho(instance: Instance): Promise<void> {
  const echoes = (): number => instance.service.stats().sync?.echoes ?? 0;
  const seen = echoes();
  await eventually('an echo of its own', () => echoes() > seen);
}

/** Rejects with `description` if `promise` has not settled within `timeoutMs`. */
function within<T>(description: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${description}: not settled within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe.each(configurations)('an instance configured with $name, when its link goes half-open', (configuration) => {
  it.each(scenarios)(
    '$fault.name ($policy, heal: $outcome): down within 3 heartbeat intervals, up within 10 s of healing, no stale read after sync-up',
    async ({ fault, policy, outcome }) => {
      const server = redis.server;
      proxy = await TcpProxy.start(server.port);
      const store = new Map(SKUS.map((sku) => [sku, 0]));
      const connection = await configuration.connect(proxy);
      const [a, b] = (await startInstances(2, store, {
        connection: [connection, server.url],
        channel: uniqueChannel('half-open'),
        sync: { heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS, whileDisconnected: policy, disposeTimeoutMs: 1_000 },
      })) as [Instance, Instance];
      expect(await readAll(a)).toEqual(OLD);
      await a.service.invalidateTags('warm-up'); // so that A's publisher has sent a PUBLISH to be told apart by
      const blackhole = await fault.blackhole(proxy);
      // The worst moment to cut: right after a periodic probe came back, a whole interval before the next.
      // (The first echo may still be the warm-up's; the second is a tick's.)
      await nextEcho(a);
      await nextEcho(a);
      let readsAtUp: Promise<(number | undefined)[]> | undefined;
      events = new LinkEvents(a.service, () => {
        readsAtUp = readAll(a);
        readsAtUp.catch(() => undefined); // awaited below; a failing test may not get there
      });

      const cutAt = performance.now();
      proxy.blackhole(blackhole);
      // B writes while A cannot hear it (A has not even noticed yet).
      await Promise.all(SKUS.map((sku, i) => b.inventory.setStock(sku, NEW[i] as number)));

      const downAt = await events.first('down', cutAt, DOWN_WITHIN_MS + GRACE_MS);
      expect(downAt - cutAt).toBeLessThanOrEqual(DOWN_WITHIN_MS);
      const whileDown = await within('reads while the link is down', GRACE_MS, readAll(a));
      if (policy === 'bypass') expect(whileDown).toEqual(NEW);
      else whileDown.forEach((value, i) => expect([OLD[i], NEW[i]]).toContain(value));

      const healedAt = performance.now();
      proxy.heal(outcome);
      const upAt = await events.first('up', downAt, UP_WITHIN_MS + GRACE_MS);
      expect(Math.max(0, upAt - healedAt)).toBeLessThanOrEqual(UP_WITHIN_MS);
      expect(await within('reads started in the sync-up listener', GRACE_MS, readsAtUp as Promise<(number | undefined)[]>)).toEqual(NEW);
      expect(await readAll(a)).toEqual(NEW);
      expect(a.service.stats().sync?.state).toBe('up');

      // A hears invalidations again.
      const heard = nextEvent(a.service, 'invalidate', (event) => event.source === 'remote');
      await b.inventory.setStock('sku-0', 100);
      await heard;
      await expect(a.inventory.stock('sku-0')).resolves.toBe(100);
      for (const client of applicationClients) {
        await expect(within("the application's own client", GRACE_MS, client.get('app:greeting'))).resolves.toBe('hello');
      }
    },
  );
});
