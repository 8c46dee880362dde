import { fork, type ChildProcess } from 'node:child_process';
import { delay } from './clock.js';

/** A message between the benchmark and one of its child processes, told apart by its `type`. */
export interface Tagged {
  readonly type: string;
}

/** What a child process sends when it cannot go on; it then exits. */
export interface FailedMessage {
  readonly type: 'failed';
  readonly error: string;
}

/**
 * A child process of the benchmark, spoken to over IPC: control messages out, replies awaited by type.
 * `Out` is what the child sends, `In` what it is sent.
 */
export class ForkedProcess<Out extends Tagged, In extends Tagged> {
  private readonly waiters = new Map<string, (message: Out | FailedMessage) => void>();
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly label: string,
  ) {
    child.on('message', (message: Out | FailedMessage) => {
      const waiter = this.waiters.get(message.type) ?? (message.type === 'failed' ? [...this.waiters.values()][0] : undefined);
      waiter?.(message);
    });
    child.on('exit', (code) => {
      this.exited = `${label} exited with code ${code}`;
      for (const waiter of this.waiters.values()) waiter({ type: 'failed', error: this.exited });
    });
  }

  /** Forks `script` with `args` (output inherited); `label` names it in errors. */
  static fork<Out extends Tagged, In extends Tagged>(script: string, args: readonly string[], execArgv: readonly string[], label: string): ForkedProcess<Out, In> {
    return new ForkedProcess<Out, In>(fork(script, [...args], { execArgv: [...execArgv], stdio: 'inherit' }), label);
  }

  /** Sends a control message. */
  send(message: In): void {
    this.child.send(message);
  }

  /** Resolves with the next message of `type`; rejects when the child fails, exits or stays silent for `timeoutMs`. */
  next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(this.exited));
      const timer = setTimeout(() => {
        this.waiters.delete(type);
        reject(new Error(`${this.label}: no "${type}" message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(type, (message) => {
        clearTimeout(timer);
        this.waiters.delete(type);
        if (message.type === 'failed') reject(new Error(`${this.label} failed: ${(message as FailedMessage).error}`));
        else resolve(message as Extract<Out, { type: T }>);
      });
    });
  }

  /** Sends `message` and resolves with the reply of type `replyType`. */
  request<T extends Out['type']>(message: In, replyType: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const reply = this.next(replyType, timeoutMs);
    this.send(message);
    return reply;
  }

  /** Sends `closeMessage` and waits up to 5 s for the child to exit, then kills it. */
  async close(closeMessage: In): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send(closeMessage);
    await Promise.race([exited, delay(5_000)]);
    if (!this.exited) this.child.kill();
  }
}

/** In a child process: sends `message` to the benchmark. */
export function sendToParent(message: Tagged): void {
  process.send?.(message);
}

/** In a child process: runs `main`, and reports its failure to the benchmark before exiting. */
export function runChild(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const failed: FailedMessage = { type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    sendToParent(failed);
    process.exit(1);
  });
}
