import { bentocacheBus } from './bentocache-bus.js';
import { cachetRedis, cachetRedisSigned } from './cachet-redis.js';
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

/** cachet with `signingKeys`: its rows against cachet's show what signing costs. */
export const remoteCachetSigned: RemotePeer = cachetRedisSigned;

/** Every remote peer, floor and cachet (unsigned and signed) included, in table order. */
export const allRemotePeers: readonly RemotePeer[] = [remoteFloor, remoteCachet, remoteCachetSigned, ...remotePeers];
