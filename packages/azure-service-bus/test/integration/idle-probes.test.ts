jest.setTimeout(20_000);

import { AzureServiceBusSynchronization } from '@cachet/azure-service-bus';
import { CachingService } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import type { ServiceBusTestPeer } from '../peer';
import { peerOptions, startPeer, TOPIC } from './support/peer-fixture';

// The idle cost of a farm: an idle instance proves its link with a probe each heartbeat interval. With the
// automatic strategy the probe carries its subscription's name and every subscription's rule drops probes
// addressed to another, so it reaches only its sender: N idle instances move N messages per interval, not
// N². A manual subscription takes every message (its rule is the application's), so there the probes are
// shared heartbeats that every instance receives.

const HEARTBEAT_INTERVAL_MS = 200;
const ECHOES = 4;
let peer: ServiceBusTestPeer;
const services: CachingService[] = [];

beforeEach(async () => {
  peer = await startPeer({ subscriptions: ['one', 'two', 'three'].map((name) => ({ topic: TOPIC, name })) });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.dispose()));
  await peer.close();
});

/** Starts an idle instance (a manual subscription's name, or the automatic strategy). */
async function idleInstance(subscription?: string) {
  const service = CachingService.create({
    namespace: 'idle',
    synchronization: { transport: new AzureServiceBusSynchronization(peerOptions(peer, subscription === undefined ? {} : { subscription })), heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS },
  });
  services.push(service);
  await service.initialize();
  return { service, fromOthers: counterOfMessagesFromOthers(service) };
}

/** Messages received from now on that are not this instance's own coming back, whatever became of them (applied or dropped). */
function counterOfMessagesFromOthers(service: CachingService): () => number {
  const count = (): number => {
    const sync = service.stats().sync as NonNullable<ReturnType<CachingService['stats']>['sync']>;
    return sync.received - sync.echoes;
  };
  const before = count();
  return () => count() - before;
}

/** Resolves once each instance has had `count` of its own messages back: `count` heartbeat intervals of idling. */
async function idleFor(instances: readonly { service: CachingService }[], count: number): Promise<void> {
  await Promise.all(
    instances.map(async ({ service }) => {
      for (let i = 0; i < count; i++) await nextEvent(service, 'message-received', (event) => event.kind === 'echo', 5_000);
    }),
  );
}

describe('idle instances over Azure Service Bus', () => {
  it('with automatic subscriptions, receive only their own probes, and still every invalidation', async () => {
    const instances = [await idleInstance(), await idleInstance(), await idleInstance()];
    await idleFor(instances, ECHOES);
    expect(instances.map(({ fromOthers }) => fromOthers())).toEqual([0, 0, 0]);

    const [a, b, c] = instances as [(typeof instances)[0], (typeof instances)[0], (typeof instances)[0]];
    const delivered = [b, c].map(({ service }) => nextEvent(service, 'invalidate', (event) => event.source === 'remote', 10_000));
    await a.service.invalidateTags('product:1');
    await Promise.all(delivered);
  });

  it('with manual subscriptions, which take every message, hear each other\'s heartbeats instead', async () => {
    const instances = [await idleInstance('one'), await idleInstance('two'), await idleInstance('three')];
    await idleFor(instances, ECHOES);
    for (const { fromOthers } of instances) expect(fromOthers()).toBeGreaterThan(0);
  });
});
