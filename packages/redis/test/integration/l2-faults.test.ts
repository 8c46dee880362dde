import type { CachingService } from '@cachet/core';
import { L2Instances } from '../support/catalogue';
import { fastReconnect, useCrashingRedis } from '../support/crashing-redis';
import { eventually } from '../support/service-instances';

// A private redis-server, killed mid-traffic and restarted empty (as after a crash): callers never see an
// error the method would not throw, and once the store and the bus are back no instance reads a value
// older than the write made while Redis was down.
const instances = new L2Instances(() => ({ host: '127.0.0.1', port: redis.server.port, ...fastReconnect }));
const redis = useCrashingRedis(() => instances.disposeAll());
beforeEach(() => instances.reset());

function recovered(service: CachingService): boolean {
  const { l2, sync } = service.stats();
  return l2?.state === 'up' && sync?.state === 'up';
}

describe('RedisL2 when Redis is killed and restarted', () => {
  it('serves throughout from memory and the method, counts what it skipped, and reads no stale value after recovery', async () => {
    const [a, b] = [await instances.start(), await instances.start()];
    instances.db.set(1, 'v1');
    instances.db.set(2, 'other');
    expect(await a.catalogue.getProduct(1)).toBe('v1');
    expect(await b.catalogue.getProduct(1)).toBe('v1');
    expect(b.catalogue.runs.product).toBe(0);
    // What each service reports of its link to the second level.
    const reported = [a, b].map(({ service }) => {
      const seen: string[] = [];
      service.on('l2-down', () => seen.push('down'));
      service.on('l2-up', ({ downForMs }) => seen.push(downForMs > 0 ? 'up' : 'up after 0 ms'));
      return seen;
    });

    // Traffic on both instances, all along; every read is recorded with whether recovery was complete.
    let traffic = true;
    let afterRecovery = false;
    const reads: { value: unknown; afterRecovery: boolean }[] = [];
    const loop = async (): Promise<void> => {
      while (traffic) {
        for (const { catalogue } of [a, b]) {
          const checked = afterRecovery;
          reads.push({ value: await catalogue.getProduct(1), afterRecovery: checked });
          await catalogue.getOffer(2);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const running = loop();
    try {
      await outageAndRecovery();
    } finally {
      traffic = false;
      await running;
    }

    expect(reads.filter((read) => read.afterRecovery && read.value !== 'v2')).toEqual([]);
    expect(await b.catalogue.getProduct(1)).toBe('v2');
    expect(await b.catalogue.getOffer(2)).toBe('offer for other, changed');
    expect(a.service.stats().l2).toMatchObject({ state: 'up', pendingInvalidations: 0 });
    expect(a.service.stats().l2?.skipped).toBeGreaterThan(0); // v2's load, while Redis was down
    for (const seen of reported) {
      // Down, then up; reconnection attempts may make it flap, but never report one state twice running.
      expect([seen[0], seen.at(-1)]).toEqual(['down', 'up']);
      expect(seen.join()).not.toMatch(/down,down|up,up|after 0/);
    }

    async function outageAndRecovery(): Promise<void> {
      await redis.server.stop();
      await eventually('both instances to see the second level down', () => [a, b].every(({ service }) => service.stats().l2?.state === 'down'));
      await a.catalogue.updateProduct(1, 'v2'); // neither Redis nor the bus can carry this now
      instances.db.set(2, 'other, changed'); // and product 2 changes, invalidated by tag from the other instance
      // Resolves once the bus has carried it, after the outage (it stays queued meanwhile).
      const tagged = b.service.invalidateTags('product:2');
      expect(await a.catalogue.getProduct(1)).toBe('v2');

      await redis.server.restart();
      await eventually('both instances to recover (store and bus up)', () => [a, b].every(({ service }) => recovered(service)));
      afterRecovery = true;
      await tagged;
      await eventually('a few reads after recovery', () => reads.filter((read) => read.afterRecovery).length >= 10);
    }
  });
});
