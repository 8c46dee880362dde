export { ServiceBusTestPeer, DEFAULT_PEER_POLICIES, type ServiceBusTestPeerOptions } from './service-bus-peer';
export type { PeerRight } from './sas';
export type { SubscriptionRecord } from './entities';
