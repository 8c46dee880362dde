import { CuttableProxy } from '../support/cuttable-proxy';
import { fastReconnect, useCrashingRedis } from '../support/crashing-redis';
import { disposeInstances, eventually, nextEvent, nextRemoteInvalidation, startInstances, type Instance } from '../support/services';

/** Rely on the transport's down/up reports alone (no heartbeats). */
const sync = { heartbeatIntervalMs: 0, initialRetryDelayMs: 20, maxRetryDelayMs: 200, publishAttempts: 100 };

let proxy: CuttableProxy | undefined;
let store: Map<string, number>;
const redis = useCrashingRedis(async () => {
  await disposeInstances();
  await proxy?.cut();
  proxy = undefined;
});
beforeEach(() => {
  store = new Map([['apple', 1]]);
});

describe('CachingService over RedisSynchronization when Redis fails', () => {
  it('clears an instance that was cut off while others invalidated, so it serves no stale entry once back', async () => {
    proxy = await CuttableProxy.start(redis.server.port);
    const connections = [{ port: redis.server.port, ...fastReconnect }, { ...fastReconnect, port: Number(new URL(proxy.url).port) }];
    const [writer, cutOff] = (await startInstances(2, store, { connection: connections, channel: 'cut', sync })) as [Instance, Instance];
    await cutOff.inventory.stock('apple');
    const down = nextEvent(cutOff.service, 'sync-down');

    await proxy.cut();
    await down;
    await writer.inventory.setStock('apple', 2); // published while the cut-off instance cannot hear it
    const gap = nextEvent(cutOff.service, 'gap');
    await proxy.restore();

    expect(await gap).toMatchObject({ reason: 'disconnect' });
    await expect(cutOff.inventory.stock('apple')).resolves.toBe(2);
    expect(cutOff.service.stats().sync).toMatchObject({ state: 'up', gaps: 1 });
    // And it hears invalidations again.
    const delivered = nextRemoteInvalidation(cutOff.service);
    await writer.inventory.setStock('apple', 3);
    await delivered;
    await expect(cutOff.inventory.stock('apple')).resolves.toBe(3);
  });

  it('survives redis-server being killed mid-traffic and restarted: no stale entry, queued publishes delivered or reported', async () => {
    const instances = await startInstances(3, store, { connection: { port: redis.server.port, ...fastReconnect }, channel: 'kill', sync });
    const [a, b, c] = instances as [Instance, Instance, Instance];
    const errors: unknown[] = [];
    for (const { service } of instances) service.on('error', (event) => errors.push(event.error));
    for (const { inventory } of instances) await inventory.stock('apple');

    // Traffic in flight while the server dies.
    // Each settles when the bus accepted it, or rejects (E_SYNC_PUBLISH) once confirmTimeoutMs passes.
    const traffic = Array.from({ length: 50 }, (_, i) => instances[i % 3]!.service.invalidateTags(`noise:${i}`).catch((error: unknown) => error));
    const downs = instances.map(({ service }) => nextEvent(service, 'sync-down'));
    await redis.server.stop();
    await Promise.all(downs);

    // Published while everyone is cut off: queued by B's engine.
    const echoesBefore = b.service.stats().sync?.echoes ?? 0;
    await b.inventory.setStock('apple', 2);
    const ups = instances.map(({ service }) => nextEvent(service, 'sync-up'));
    const gaps = instances.map(({ service }) => nextEvent(service, 'gap'));
    await redis.server.restart();
    await Promise.all([...ups, ...gaps]);

    for (const { inventory } of [a, b, c]) await expect(inventory.stock('apple')).resolves.toBe(2);
    // The queued invalidation went out once the link was back (its echo returned), or it was reported.
    await eventually('B’s queued invalidation to be echoed or reported', () => (b.service.stats().sync?.echoes ?? 0) > echoesBefore || errors.length > 0);
    for (const error of errors) expect(error).toMatchObject({ code: 'E_SYNC_PUBLISH' });
    for (const outcome of await Promise.all(traffic)) if (outcome !== undefined) expect(outcome).toMatchObject({ code: 'E_SYNC_PUBLISH' });
  });
});
