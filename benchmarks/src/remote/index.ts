import { bentocacheBus } from './bentocache-bus.js';
import type { Bus } from './bus.js';
import { BENCHMARK_SIGNING_KEY, cachetPeer } from './cachet-peer.js';
import { layeredLoaderNotifications } from './layered-loader-notifications.js';
import { natsBus } from './nats-bus.js';
import { postgresBus } from './postgres-bus.js';
import { rawFloor } from './raw-pubsub.js';
import { redisBus } from './redis-bus.js';
import type { RemotePeer } from './remote-peer.js';

export type { Bus } from './bus.js';
export type { RemotePeer } from './remote-peer.js';

/** One bus's rows in the cross-process tables: its floor, cachet over it, and the peers that use it. */
export interface BusPeers {
  readonly bus: Bus;
  readonly floor: RemotePeer;
  readonly cachet: RemotePeer;
  /** Further rows over the same bus, each compared with this bus's floor and cachet. */
  readonly others: readonly RemotePeer[];
}

function busPeers(bus: Bus, cachetName: string, others: readonly RemotePeer[] = []): BusPeers {
  return { bus, floor: rawFloor(bus.floorName, bus.rawPubSub), cachet: cachetPeer(cachetName, bus), others };
}

const redis = busPeers(redisBus, 'cachet (RedisSynchronization)', [
  // With `signingKeys`: every message HMAC-signed by the sender and checked by the receiver; its rows against cachet's show what signing costs.
  cachetPeer('cachet (RedisSynchronization, signed)', redisBus, { signingKeys: [BENCHMARK_SIGNING_KEY] }),
  bentocacheBus,
  layeredLoaderNotifications,
]);

/** The Redis floor, which the A/B comparison measures against. */
export const remoteFloor: RemotePeer = redis.floor;

/** cachet over @cachet/redis. */
export const remoteCachet: RemotePeer = redis.cachet;

/** Every bus of the cross-process tables, in table order. */
export const remoteBuses: readonly BusPeers[] = [
  redis,
  busPeers(postgresBus, 'cachet (PostgresSynchronization)'),
  busPeers(natsBus, 'cachet (NatsSynchronization)'),
];

/** The rows of one bus, floor and cachet first. */
export function peersOf(bus: BusPeers): readonly RemotePeer[] {
  return [bus.floor, bus.cachet, ...bus.others];
}

/** Every remote peer of every bus, in table order. */
export const allRemotePeers: readonly RemotePeer[] = remoteBuses.flatMap(peersOf);
