import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { RemoteKeyCounter } from './remote-key-counter';
import type { AppInstance, Operation, Outcome } from './app-instance';
import type { Command, Report } from './instance-process';

/** An app instance running in a child process (`instance-process.ts`), seen through IPC. */
export class ChildAppInstance implements AppInstance {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  #calls = 0;
  readonly #remoteKeys = new RemoteKeyCounter();

  private constructor(
    readonly name: string,
    child: ChildProcess,
  ) {
    this.#child = child;
  }

  /** Starts the process (with a second level in Redis when given a `keyPrefix`) and resolves once its caching service is subscribed. */
  static start(
    name: string,
    connection: { redisUrl: string; hash: string; channel: string; keyPrefix?: string },
    onRemoteInvalidation: (keys: readonly string[]) => void,
  ): Promise<ChildAppInstance> {
    const { redisUrl, hash, channel, keyPrefix } = connection;
    const child = fork(join(__dirname, 'instance-process.js'), [name, redisUrl, hash, channel, ...(keyPrefix === undefined ? [] : [keyPrefix])]);
    const instance = new ChildAppInstance(name, child);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`instance ${name} exited with code ${code} before it was ready`)));
      child.on('message', (report: Report) => {
        if ('ready' in report) resolve(instance);
        else if ('call' in report) instance.#pending.get(report.call)?.(report.outcome);
        else {
          onRemoteInvalidation(report.remoteKeys);
          instance.#remoteKeys.add(report.remoteKeys.length);
        }
      });
    });
  }

  run(operation: Operation): Promise<Outcome> {
    const call = ++this.#calls;
    return new Promise((resolve) => {
      this.#pending.set(call, resolve);
      this.#send({ call, operation });
    });
  }

  remoteKeysReceived(count: number): Promise<void> {
    return this.#remoteKeys.reached(count);
  }


  /** Asks the process to dispose its caching service and exit, and waits until it has. */
  dispose(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#child.removeAllListeners('exit');
      this.#child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`instance ${this.name} exited with code ${code}`))));
      this.#send({ dispose: true });
    });
  }

  #send(command: Command): void {
    this.#child.send(command);
  }
}
