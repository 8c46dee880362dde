import { bentocacheBus } from './bentocache-bus.js';
import { cachetRedis } from './cachet-redis.js';
import { layeredLoaderNotifications } from './layered-loader-notifications.js';
import { rawPubSub } from './raw-pubsub.js';
import type { RemotePeer } from './remote-peer.js';

export type { RemotePeer } from './remote-peer.js';

/** The floor of the cross-process tables. */
export const remoteFloor: RemotePeer = rawPubSub;

/** cachet over @cachet/redis. */
export const remoteCachet: RemotePeer = cachetRedis;

/** The peers of the cross-process tables. */
const remotePeers: readonly RemotePeer[] = [bentocacheBus, layeredLoaderNotifications];

/** Every remote peer, floor and cachet included, in table order. */
export const allRemotePeers: readonly RemotePeer[] = [remoteFloor, remoteCachet, ...remotePeers];
