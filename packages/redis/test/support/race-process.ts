import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { CachingStats } from '@cachet/core';
import type { RaceCommand, RaceReply } from './race-child';
import type { RaceSetup } from './race-shop';
import { EVENT_TIMEOUT_MS } from './wait-for';

type Call = Omit<Extract<RaceCommand, { op: 'call' }>, 'id' | 'op'>;

/**
 * An instance of the application in a process of its own (race-child.ts, run from the TypeScript sources
 * through ts-node and the repository's path mapping), driven by messages.
 */
export class RaceProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #events: Record<'ready' | 'read', (() => void)[]> = { ready: [], read: [] };
  #next = 1;

  private constructor(setup: RaceSetup) {
    const root = join(__dirname, '..', '..', '..', '..');
    this.#child = fork(join(__dirname, 'race-child.ts'), [JSON.stringify(setup)], {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json'), TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: root }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (reply: RaceReply) => {
      if ('event' in reply) return void this.#events[reply.event].splice(0).forEach((wake) => wake());
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (reply.error !== undefined) pending?.reject(new Error(`in the child process: ${reply.error}`));
      else pending?.resolve(reply.result);
    });
  }

  /** Forks the process and resolves once its instance is initialized. */
  static async start(setup: RaceSetup, timeoutMs = 20_000): Promise<RaceProcess> {
    const process = new RaceProcess(setup);
    await process.next('ready', timeoutMs);
    return process;
  }

  /** Resolves with the next `event` the child reports. */
  next(event: 'ready' | 'read', timeoutMs = EVENT_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child process did not report '${event}' within ${timeoutMs} ms`)), timeoutMs);
      const exited = (): void => reject(new Error(`the child process exited before reporting '${event}'`));
      this.#child.once('exit', exited);
      this.#events[event].push(() => {
        clearTimeout(timer);
        this.#child.off('exit', exited);
        resolve();
      });
    });
  }

  call(call: Call): Promise<unknown> {
    return this.#send({ op: 'call', ...call });
  }

  /** Lets the held `getSlow` load finish. */
  release(): Promise<unknown> {
    return this.#send({ op: 'release' });
  }

  stats(): Promise<CachingStats> {
    return this.#send({ op: 'stats' }) as Promise<CachingStats>;
  }

  /** Disposes the child's instance and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.#send({ op: 'stop' }).catch(() => this.#child.kill('SIGKILL'));
    await exited;
  }

  #send(command: Omit<RaceCommand, 'id'> & { op: RaceCommand['op'] }): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...command, id } as RaceCommand);
    });
  }
}
