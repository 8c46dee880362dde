import { ReceiverProcess } from './receiver-client.js';
import type { Closable, InvalidationSender, RemotePeer } from './remote-peer.js';

/** A sender in this process and a receiver in another, joined over a bus and known to be subscribed. */
export interface Pair extends Closable {
  readonly peer: RemotePeer;
  readonly sender: InvalidationSender;
  readonly receiver: ReceiverProcess;
}

/**
 * Which side subscribes to the channel first. Redis writes a message to a channel's subscribers newest
 * first, so when the sender also listens on the channel (as a real instance does), its own copy leaves
 * before the receiver's if it subscribed last, and after it otherwise. A farm has both orders.
 */
export type SubscriptionOrder = 'receiver-first' | 'sender-first';

/** Numbers the channels of this process's pairs: two pairs of one peer (the floor and its noise gauge) never share one. */
let pairsOpened = 0;

/**
 * Opens a fresh pair of `peer` on a channel of its own; the receiver holds users `0..keyCount-1`
 * (plus the probe user `keyCount`). Closing the pair closes both sides.
 */
export async function openPair(peer: RemotePeer, url: string, keyCount: number, order: SubscriptionOrder = 'receiver-first'): Promise<Pair> {
  // Cut to 63 bytes, PostgreSQL's limit for a channel name; the counter before the cut keeps it unique.
  const channel = `cachet-bench-${process.pid}-${++pairsOpened}-${peer.name.replace(/[^a-z]+/gi, '-')}`.slice(0, 63);
  let sender: InvalidationSender | undefined;
  let receiver: ReceiverProcess | undefined;
  try {
    if (order === 'sender-first') sender = await peer.sender(url, channel);
    receiver = await ReceiverProcess.start({ peer: peer.name, url, channel, keyCount });
    const opened = sender ?? (sender = await peer.sender(url, channel));
    const started = receiver;
    await started.awaitSubscription(() => opened.invalidate(keyCount));
    return {
      peer,
      sender: opened,
      receiver: started,
      async close() {
        await opened.close();
        await started.close();
      },
    };
  } catch (error) {
    await sender?.close();
    await receiver?.close();
    throw error;
  }
}

/** Runs `body` with one open pair and closes it afterwards. */
export async function withPair<T>(peer: RemotePeer, url: string, keyCount: number, body: (pair: Pair) => Promise<T>): Promise<T> {
  const pair = await openPair(peer, url, keyCount);
  try {
    return await body(pair);
  } finally {
    await pair.close();
  }
}
