import { fileURLToPath } from 'node:url';
import { delay } from '../harness/clock.js';
import { ForkedProcess } from '../harness/forked-process.js';
import type { ControlMessage, ReceiverArguments, ReceiverMessage, ReceiverReport } from './protocol.js';

const SCRIPT = fileURLToPath(new URL('./receiver-process.js', import.meta.url));

/** Node flags for the receiver process, e.g. `BENCH_RECEIVER_NODE_ARGS="--cpu-prof"` to profile it. */
const RECEIVER_NODE_ARGS = (process.env['BENCH_RECEIVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

/** The receiving side of a cross-process scenario, running in its own process. */
export class ReceiverProcess {
  private constructor(private readonly child: ForkedProcess<ReceiverMessage, ControlMessage>) {}

  /** Forks the receiver, which primes its cache; resolves once it is ready. */
  static async start(args: ReceiverArguments): Promise<ReceiverProcess> {
    const child = ForkedProcess.fork<ReceiverMessage, ControlMessage>(
      SCRIPT,
      [args.peer, args.url, args.channel, String(args.keyCount)],
      RECEIVER_NODE_ARGS,
      'receiver process',
    );
    await child.next('ready', 60_000);
    return new ReceiverProcess(child);
  }

  /**
   * Calls `sendProbe` every 50 ms until the receiver reports the probe's eviction: from then on its
   * subscription is live and nothing sent is lost to a late SUBSCRIBE.
   */
  async awaitSubscription(sendProbe: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
    const probed = this.child.next('probe', timeoutMs);
    let done = false;
    void probed.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      await sendProbe();
      await Promise.race([probed, delay(50)]);
    }
    await probed;
  }

  /** Asks for the eviction timestamps recorded so far. */
  report(): Promise<ReceiverReport> {
    return this.child.request({ type: 'report' }, 'report', 30_000);
  }

  /** Closes the receiver's connections and waits for the process to exit. */
  close(): Promise<void> {
    return this.child.close({ type: 'close' });
  }
}
