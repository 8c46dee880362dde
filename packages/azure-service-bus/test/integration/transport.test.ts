jest.setTimeout(20_000);

import { ServiceBusAdministrationClient, ServiceBusClient } from '@azure/service-bus';
import type { CachetError, TransportConnection } from '@cachet/core';
import { AzureServiceBusSynchronization, SharedSubscriptionWarning } from '@cachet/azure-service-bus';
import type { ServiceBusTestPeer } from '../peer';
import { FAST_RETRIES, peerOptions, startPeer, TOPIC } from './support/peer-fixture';
import { withTimeout } from './support/with-timeout';
import { RecordingListener } from './support/recording-listener';

let peer: ServiceBusTestPeer;
const open: TransportConnection[] = [];

beforeEach(async () => {
  peer = await startPeer({ subscriptions: [{ topic: TOPIC, name: 'app-1' }, { topic: TOPIC, name: 'app-2' }] });
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
  await peer.close();
});

async function connect(transport: AzureServiceBusSynchronization, listener = new RecordingListener()): Promise<{ connection: TransportConnection; listener: RecordingListener }> {
  const connection = await transport.connect(listener);
  open.push(connection);
  return { connection, listener };
}


describe('automatic strategy', () => {
  it('delivers every publication to every connection, the publisher included', async () => {
    const transport = new AzureServiceBusSynchronization(peerOptions(peer));
    const [a, b, c] = await Promise.all([connect(transport), connect(transport), connect(transport)]);

    await a.connection.publish('from-a');
    await c.connection.publish('from-c');

    for (const { listener } of [a, b, c]) {
      await listener.waitForMessage('from-a');
      await listener.waitForMessage('from-c');
    }
  });

  it('creates one uniquely named subscription per connection, with auto-delete-on-idle', async () => {
    const transport = new AzureServiceBusSynchronization(peerOptions(peer, { autoDeleteOnIdleMs: 600_000 }));
    await connect(transport);
    await connect(transport);

    const created = peer.entities.subscriptions(TOPIC).filter((s) => s.name.startsWith('cachet-'));
    expect(created).toHaveLength(2);
    expect(created[0]?.name).not.toBe(created[1]?.name);
    expect(created.map((s) => s.autoDeleteOnIdle)).toEqual(['PT600S', 'PT600S']);
  });

  it('deletes its subscription on close, and close is idempotent', async () => {
    const { connection } = await connect(new AzureServiceBusSynchronization(peerOptions(peer)));
    const name = peer.entities.subscriptions(TOPIC).find((s) => s.name.startsWith('cachet-'))?.name;
    expect(name).toBeDefined();

    await connection.close();
    await connection.close();

    expect(peer.entities.subscription(TOPIC, name as string)).toBeUndefined();
  });

  it('reports a subscription deleted under it as down, re-creates it and receives from it again', async () => {
    const a = await connect(new AzureServiceBusSynchronization(peerOptions(peer)));
    const b = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { subscription: 'app-1' })));
    const name = peer.entities.subscriptions(TOPIC).find((s) => s.name.startsWith('cachet-'))?.name as string;
    const recreated = new Promise<void>((resolve) => peer.entities.on('subscription-created', (record) => record.name === name && resolve()));

    peer.deleteSubscription(TOPIC, name);
    await a.listener.waitFor('down', (e) => e.kind === 'down');
    await withTimeout(recreated, `subscription ${name} created again`);

    await b.connection.publish('after-recreate');
    await a.listener.waitForMessage('after-recreate');
  });
});

describe('manual strategy', () => {
  it('delivers through the given subscriptions without any administration request', async () => {
    const a = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { keyName: 'SendListen', subscription: 'app-1' })));
    const b = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { keyName: 'SendListen', subscription: 'app-2' })));

    await a.connection.publish('manual');

    await a.listener.waitForMessage('manual');
    await b.listener.waitForMessage('manual');
    expect(peer.adminRequests).toEqual([]);
  });

  it('keeps the subscription on close', async () => {
    const { connection } = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { subscription: 'app-1' })));
    await connection.close();
    expect(peer.entities.subscription(TOPIC, 'app-1')).toBeDefined();
  });

  it('warns when two instances share one subscription', async () => {
    let warned!: (warning: CachetError) => void;
    const warning = new Promise<CachetError>((resolve) => (warned = resolve));
    const options = { ...peerOptions(peer, { subscription: 'app-1' }), onWarning: (w: CachetError) => warned(w) };

    await connect(new AzureServiceBusSynchronization(options));
    await connect(new AzureServiceBusSynchronization(options));

    const received = await withTimeout(warning, 'a SharedSubscriptionWarning');
    expect(received).toBeInstanceOf(SharedSubscriptionWarning);
    expect(received.message).toContain(`${TOPIC}/Subscriptions/app-1`);
  });
});

describe('credentials and clients', () => {
  it('takes the topic from the connection string EntityPath', async () => {
    const options = peerOptions(peer, { subscription: 'app-1' });
    const transport = new AzureServiceBusSynchronization({ ...options, connectionString: peer.connectionString(undefined, { entityPath: TOPIC }), topic: undefined });
    const { connection, listener } = await connect(transport);

    await connection.publish('entity-path');

    await listener.waitForMessage('entity-path');
  });

  it('uses an existing ServiceBusClient and leaves it open on close', async () => {
    const client = new ServiceBusClient(peer.connectionString(), { retryOptions: FAST_RETRIES });
    try {
      const { connection, listener } = await connect(new AzureServiceBusSynchronization({ client, topic: TOPIC, subscription: 'app-1' }));
      await connection.publish('shared-client');
      await listener.waitForMessage('shared-client');

      await connection.close();

      await client.createSender(TOPIC).sendMessages({ body: Buffer.from('still open') });
    } finally {
      await client.close();
    }
  });

  it('creates the automatic subscription with a given administration client', async () => {
    const client = new ServiceBusClient(peer.connectionString(), { retryOptions: FAST_RETRIES });
    const administrationClient = new ServiceBusAdministrationClient(peer.connectionString());
    // Test wiring only: the peer serves the ATOM API over plain HTTP.
    administrationClient.pipeline.addPolicy(
      { name: 'test-peer-http', sendRequest: (request, next) => next(Object.assign(request, { url: request.url.replace(/^https:/, 'http:'), allowInsecureConnection: true })) },
      { phase: 'Sign' },
    );
    try {
      const { connection, listener } = await connect(new AzureServiceBusSynchronization({ client, administrationClient, topic: TOPIC }));
      expect(peer.entities.subscriptions(TOPIC).filter((s) => s.name.startsWith('cachet-'))).toHaveLength(1);

      await connection.publish('admin-client');
      await listener.waitForMessage('admin-client');
      await connection.close();

      expect(peer.entities.subscriptions(TOPIC).filter((s) => s.name.startsWith('cachet-'))).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('outages', () => {
  it('reports down when the broker goes away, and carries traffic again once it is back', async () => {
    const a = await connect(new AzureServiceBusSynchronization(peerOptions(peer)));
    const b = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { subscription: 'app-1' })));
    await a.connection.publish('before');
    // Both receivers have attached (connect() does not wait for it): each outage is reported by an attached receiver.
    await Promise.all([a.listener.waitForMessage('before'), b.listener.waitForMessage('before')]);

    await peer.stop();
    await a.listener.waitFor('down', (e) => e.kind === 'down');
    await b.listener.waitFor('down', (e) => e.kind === 'down');
    await peer.restart();

    await a.connection.publish('after');
    await b.listener.waitForMessage('after');
    await a.listener.waitForMessage('after');
  });

  it('rejects a publish while the broker is down, so the engine can retry it', async () => {
    const { connection, listener } = await connect(new AzureServiceBusSynchronization(peerOptions(peer, { subscription: 'app-1' })));
    // connect() does not wait for the receiver to attach: a message received proves it has, so that the
    // outage below is reported by the attached receiver rather than by a first attach still retrying.
    await connection.publish('before');
    await listener.waitForMessage('before');
    await peer.stop();
    await listener.waitFor('down', (e) => e.kind === 'down');

    await expect(connection.publish('lost')).rejects.toThrow();
  });
});
