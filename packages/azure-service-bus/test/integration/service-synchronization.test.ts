jest.setTimeout(20_000);

import { nextEvent } from '@cachet/core/testing';
import type { ServiceBusTestPeer } from '../peer';
import { type Instance, type Product, startInstances } from './support/catalogue';
import { startPeer } from './support/peer-fixture';

let peer: ServiceBusTestPeer;
let db: Map<number, Product>;
let instances: Instance[] = [];

beforeEach(async () => {
  peer = await startPeer();
  db = new Map([
    [1, { name: 'apple', price: 1 }],
    [2, { name: 'pear', price: 2 }],
  ]);
});

afterEach(async () => {
  await Promise.all(instances.splice(0).map(({ service }) => service.dispose()));
  await peer.close();
});

const remoteInvalidation = (instance: Instance) => nextEvent(instance.service, 'invalidate', (event) => event.source === 'remote', 10_000);

describe('CachingServices synchronized over Azure Service Bus', () => {
  it('drops an entry in every other instance when one instance updates it (@InvalidateCache)', async () => {
    instances = await startInstances(peer, 2, db);
    const [a, b] = instances as [Instance, Instance];
    await a.catalogue.getProduct(1);
    await b.catalogue.getProduct(1);

    const delivered = remoteInvalidation(b);
    await a.catalogue.updateProduct(1, { price: 10 });
    await delivered;

    await expect(b.catalogue.getProduct(1)).resolves.toEqual({ name: 'apple', price: 10 });
  });

  it('carries service.invalidate, tags and clear between three instances', async () => {
    instances = await startInstances(peer, 3, db);
    const [a, b, c] = instances as [Instance, Instance, Instance];
    for (const { catalogue } of instances) {
      await catalogue.getProduct(2);
      await catalogue.getPrice(1);
    }

    db.set(2, { name: 'pear', price: 20 });
    let delivered = Promise.all([b, c].map(remoteInvalidation));
    await a.service.invalidate(() => a.catalogue.getProduct(2));
    await delivered;
    for (const { catalogue } of [b, c]) await expect(catalogue.getProduct(2)).resolves.toEqual({ name: 'pear', price: 20 });

    db.set(1, { name: 'apple', price: 5 });
    delivered = Promise.all([a, c].map(remoteInvalidation));
    await b.service.invalidateTags('product:1');
    await delivered;
    for (const { catalogue } of [a, c]) await expect(catalogue.getPrice(1)).resolves.toBe(5);

    delivered = Promise.all([a, b].map((instance) => nextEvent(instance.service, 'invalidate', (e) => e.all && e.source === 'remote', 10_000)));
    await c.service.clear();
    await delivered;
    expect(instances.map(({ service }) => service.stats().entries)).toEqual([0, 0, 0]);
  });

  it('clears every instance after the broker was down, so no stale entry survives the restart', async () => {
    instances = await startInstances(peer, 2, db);
    const [a, b] = instances as [Instance, Instance];
    await a.catalogue.getProduct(1);
    await b.catalogue.getProduct(1);
    const downs = instances.map(({ service }) => nextEvent(service, 'sync-down', () => true, 10_000));

    await peer.stop();
    await Promise.all(downs);
    // B's update cannot reach A now: its invalidation waits in B's engine, or is lost.
    await b.catalogue.updateProduct(1, { price: 99 });
    const gaps = instances.map(({ service }) => nextEvent(service, 'gap', () => true, 10_000));
    await peer.restart();
    await Promise.all(gaps);

    await expect(a.catalogue.getProduct(1)).resolves.toEqual({ name: 'apple', price: 99 });
    // And the instances hear each other again.
    const delivered = remoteInvalidation(a);
    await b.catalogue.updateProduct(1, { price: 100 });
    await delivered;
    await expect(a.catalogue.getProduct(1)).resolves.toEqual({ name: 'apple', price: 100 });
  });

  it('removes each automatic subscription when its service is disposed', async () => {
    instances = await startInstances(peer, 2, db);
    expect(peer.entities.subscriptions('invalidations')).toHaveLength(2);

    await Promise.all(instances.splice(0).map(({ service }) => service.dispose()));

    expect(peer.entities.subscriptions('invalidations')).toEqual([]);
  });
});
