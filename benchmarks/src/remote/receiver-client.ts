import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { delay } from '../harness/clock.js';
import type { ControlMessage, ReceiverArguments, ReceiverMessage, ReceiverReport } from './protocol.js';

const SCRIPT = fileURLToPath(new URL('./receiver-process.js', import.meta.url));

/** Node flags for the receiver process, e.g. `BENCH_RECEIVER_NODE_ARGS="--cpu-prof"` to profile it. */
const RECEIVER_NODE_ARGS = (process.env['BENCH_RECEIVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);

/** The receiving side of a Redis scenario, running in its own process. */
export class ReceiverProcess {
  private readonly waiters = new Map<ReceiverMessage['type'], (message: ReceiverMessage) => void>();
  private exited: string | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ReceiverMessage) => {
      const waiter = this.waiters.get(message.type) ?? (message.type === 'failed' ? [...this.waiters.values()][0] : undefined);
      waiter?.(message);
    });
    child.on('exit', (code) => {
      this.exited = `receiver process exited with code ${code}`;
      for (const waiter of this.waiters.values()) waiter({ type: 'failed', error: this.exited });
    });
  }

  /** Forks the receiver, which primes its cache; resolves once it is ready. */
  static async start(args: ReceiverArguments): Promise<ReceiverProcess> {
    const child = fork(SCRIPT, [args.peer, args.url, args.channel, String(args.keyCount)], { execArgv: RECEIVER_NODE_ARGS, stdio: 'inherit' });
    const receiver = new ReceiverProcess(child);
    await receiver.next('ready', 60_000);
    return receiver;
  }

  /**
   * Calls `sendProbe` every 50 ms until the receiver reports the probe's eviction: from then on its
   * subscription is live and nothing sent is lost to a late SUBSCRIBE.
   */
  async awaitSubscription(sendProbe: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
    const probed = this.next('probe', timeoutMs);
    let done = false;
    void probed.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      await sendProbe();
      await Promise.race([probed, delay(50)]);
    }
    await probed;
  }

  /** Asks for the eviction timestamps recorded so far. */
  async report(): Promise<ReceiverReport> {
    const reply = this.next('report', 30_000);
    this.control({ type: 'report' });
    return (await reply) as ReceiverReport;
  }

  /** Closes the receiver's connections and waits for the process to exit. */
  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.control({ type: 'close' });
    await Promise.race([exited, delay(5_000)]);
    if (!this.exited) this.child.kill();
  }

  private control(message: ControlMessage): void {
    this.child.send(message);
  }

  private next(type: ReceiverMessage['type'], timeoutMs: number): Promise<ReceiverMessage> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(this.exited));
      const timer = setTimeout(() => {
        this.waiters.delete(type);
        reject(new Error(`receiver process: no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(type, (message) => {
        clearTimeout(timer);
        this.waiters.delete(type);
        if (message.type === 'failed') reject(new Error(`receiver process failed: ${message.error}`));
        else resolve(message);
      });
    });
  }
}
