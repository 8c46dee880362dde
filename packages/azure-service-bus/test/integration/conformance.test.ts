import { describeTransportConformance } from '@cachet/core/testing';
import { AzureServiceBusSynchronization } from '@cachet/azure-service-bus';
import type { ServiceBusTestPeer } from '../peer';
import { peerOptions, startPeer } from './support/peer-fixture';

let peer: ServiceBusTestPeer;

beforeAll(async () => {
  peer = await startPeer({ createTopicsOnDemand: true });
});

afterAll(async () => {
  await peer.close();
});

describeTransportConformance('AzureServiceBusSynchronization', {
  createTransport: (bus) => new AzureServiceBusSynchronization(peerOptions(peer, { topic: bus })),
  // A broker outage: every connection drops, the peer stops listening, and comes back with its entities.
  faults: {
    createTransport: (bus) => new AzureServiceBusSynchronization(peerOptions(peer, { topic: bus })),
    cut: () => peer.stop(),
    heal: () => peer.restart(),
  },
});
