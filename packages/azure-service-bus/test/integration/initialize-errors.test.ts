jest.setTimeout(20_000);

import { CachingService, type CachetError } from '@cachet/core';
import {
  AzureServiceBusSynchronization,
  type AzureServiceBusSynchronizationOptions,
  ServiceBusEntityNotFoundError,
  ServiceBusManageRightError,
  ServiceBusUnauthorizedError,
} from '@cachet/azure-service-bus';
import { DEFAULT_PEER_POLICIES, type ServiceBusTestPeer } from '../peer';
import { peerOptions, startPeer, TOPIC } from './support/peer-fixture';

/** The engine's wait for its first message: receive-side errors surface when it runs out. */
const CONNECT_TIMEOUT_MS = 2_000;

let peer: ServiceBusTestPeer;
const services: CachingService[] = [];

beforeEach(async () => {
  peer = await startPeer({
    subscriptions: [{ topic: TOPIC, name: 'app-1' }],
    policies: { ...DEFAULT_PEER_POLICIES, SendOnly: { key: Buffer.from('send-only-key-for-the-peer').toString('base64'), rights: ['Send'] } },
  });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.dispose()));
  await peer.close();
});

/** What `initialize()` of a caching service synchronized with these options rejects with (`undefined` if it resolves). */
async function initializeError(options: AzureServiceBusSynchronizationOptions): Promise<CachetError | undefined> {
  const service = CachingService.create({ synchronization: { transport: new AzureServiceBusSynchronization(options), connectTimeoutMs: CONNECT_TIMEOUT_MS } });
  services.push(service);
  return service.initialize().then(
    () => undefined,
    (error: CachetError) => error,
  );
}

describe('service.initialize() rejects with the error the README promises', () => {
  it('ServiceBusManageRightError for the automatic strategy without the Manage right, pointing to the manual strategy', async () => {
    const error = await initializeError(peerOptions(peer, { keyName: 'SendListen' }));

    expect(error).toBeInstanceOf(ServiceBusManageRightError);
    expect(error?.code).toBe('E_AZURE_MANAGE_RIGHT');
    expect(error?.message).toMatch(/Manage right.*`subscription`/s);
  });

  it.each([['automatic', undefined], ['manual', 'app-1']])('ServiceBusUnauthorizedError for a wrong key (%s strategy)', async (_strategy, subscription) => {
    const error = await initializeError(peerOptions(peer, { key: Buffer.from('not the key').toString('base64'), subscription }));

    expect(error).toBeInstanceOf(ServiceBusUnauthorizedError);
    expect(error?.code).toBe('E_AZURE_UNAUTHORIZED');
    expect(error?.message).toMatch(/shared access key/);
  });

  it('ServiceBusUnauthorizedError naming the Send right when the policy can only listen', async () => {
    const error = await initializeError(peerOptions(peer, { keyName: 'ListenOnly', subscription: 'app-1' }));

    expect(error).toBeInstanceOf(ServiceBusUnauthorizedError);
    expect(error?.message).toContain('Send right');
  });

  it('ServiceBusUnauthorizedError naming the Listen right when the policy can only send, once connectTimeoutMs has passed', async () => {
    const error = await initializeError(peerOptions(peer, { keyName: 'SendOnly', subscription: 'app-1' }));

    expect(error).toBeInstanceOf(ServiceBusUnauthorizedError);
    expect(error?.message).toContain(`${TOPIC}/Subscriptions/app-1`);
    expect(error?.message).toContain('Listen right');
  });

  it('ServiceBusEntityNotFoundError when the manual strategy names a subscription that does not exist', async () => {
    const error = await initializeError(peerOptions(peer, { keyName: 'SendListen', subscription: 'missing' }));

    expect(error).toBeInstanceOf(ServiceBusEntityNotFoundError);
    expect(error?.code).toBe('E_AZURE_NOT_FOUND');
    expect(error?.message).toContain(`${TOPIC}/Subscriptions/missing`);
  });

  it('ServiceBusEntityNotFoundError when the topic does not exist', async () => {
    const error = await initializeError(peerOptions(peer, { topic: 'no-such-topic' }));

    expect(error).toBeInstanceOf(ServiceBusEntityNotFoundError);
    expect(error?.message).toContain('"no-such-topic"');
  });
});
