/**
 * Child process of the cross-process scenarios: holds one library's receiving cache and timestamps each
 * eviction with the machine's monotonic clock. Started by {@link ReceiverProcess}; never run by hand.
 */
import { nowNsNumber } from '../harness/clock.js';
import { runChild, sendToParent } from '../harness/forked-process.js';
import { allRemotePeers } from './index.js';
import type { ControlMessage, ReceiverMessage } from './protocol.js';

function send(message: ReceiverMessage): void {
  sendToParent(message);
}

async function main(): Promise<void> {
  const [peerName, url, channel, keyCountText] = process.argv.slice(2);
  const keyCount = Number(keyCountText);
  const peer = allRemotePeers.find((candidate) => candidate.name === peerName);
  if (!peer || !url || !channel || !Number.isInteger(keyCount)) throw new Error(`receiver-process: bad arguments ${process.argv.slice(2).join(' ')}`);
  const evictedAtNs = new Float64Array(keyCount).fill(Number.NaN);
  let evicted = 0;
  let duplicates = 0;
  let probed = false;
  const receiver = await peer.receiver(url, channel, keyCount + 1, (id) => {
    const at = nowNsNumber();
    if (id < keyCount) {
      if (Number.isNaN(evictedAtNs[id] as number)) {
        evictedAtNs[id] = at;
        evicted++;
      } else duplicates++;
    } else if (id === keyCount && !probed) {
      probed = true;
      send({ type: 'probe' });
    }
  });
  process.on('message', (message: ControlMessage) => {
    if (message.type === 'report') send({ type: 'report', evictedAtNs: Array.from(evictedAtNs), evicted, duplicates });
    else void receiver.close().finally(() => process.exit(0));
  });
  send({ type: 'ready' });
}

runChild(main);
