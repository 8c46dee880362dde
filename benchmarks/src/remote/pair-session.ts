import { ReceiverProcess } from './receiver-client.js';
import type { Closable, InvalidationSender, RemotePeer } from './remote-peer.js';

/** A sender in this process and a receiver in another, joined over Redis and known to be subscribed. */
export interface Pair extends Closable {
  readonly peer: RemotePeer;
  readonly sender: InvalidationSender;
  readonly receiver: ReceiverProcess;
}

/**
 * Opens a fresh pair of `peer` on a channel of its own; the receiver holds users `0..keyCount-1`
 * (plus the probe user `keyCount`). Closing the pair closes both sides.
 */
export async function openPair(peer: RemotePeer, url: string, keyCount: number): Promise<Pair> {
  const channel = `cachet-bench-${process.pid}-${Date.now()}-${peer.name.replace(/[^a-z]+/gi, '-')}`;
  const receiver = await ReceiverProcess.start({ peer: peer.name, url, channel, keyCount });
  let sender: InvalidationSender | undefined;
  try {
    sender = await peer.sender(url, channel);
    const opened = sender;
    await receiver.awaitSubscription(() => opened.invalidate(keyCount));
  } catch (error) {
    await sender?.close();
    await receiver.close();
    throw error;
  }
  const ready = sender;
  return {
    peer,
    sender: ready,
    receiver,
    async close() {
      await ready.close();
      await receiver.close();
    },
  };
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
