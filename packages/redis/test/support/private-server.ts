import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const STARTUP_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** How to run one kind of server (redis-server, nats-server…) for a test. */
export interface ServerCommand {
  /** The executable, found on the PATH. */
  readonly binary: string;
  /** Its arguments for listening on `port` of 127.0.0.1. */
  readonly arguments: (port: number) => readonly string[];
  /** What it prints once it accepts connections. */
  readonly readyLine: string;
  /** What to tell a developer whose machine lacks the binary. */
  readonly installAdvice: string;
}

/**
 * A server process of the test's own, on a free loopback port, that a fault test may kill, freeze and
 * restart (never a shared server). Always `stop()` it after the tests; a process-exit hook kills leftovers.
 * Shared by the transport packages' tests, which import it by path.
 */
export class PrivateServerProcess {
  #child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly command: ServerCommand,
  ) {}

  /** Starts the server (failing with install advice when its binary is missing); resolves once it accepts connections. */
  async launch(): Promise<this> {
    const { binary, installAdvice } = this.command;
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(`The fault tests start their own ${binary}, but \`${binary}\` is not on PATH. Install it: ${installAdvice}`);
    }
    await this.restart();
    return this;
  }

  /** Kills the server at once (SIGKILL, as a crash would), and resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    running.delete(child);
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. {@link PrivateServerProcess.resume} thaws it. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT): it answers what it was sent meanwhile. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Starts the server again on the same port (killing it first if it runs), empty, as after a crash. */
  async restart(): Promise<void> {
    await this.stop();
    const { binary, readyLine } = this.command;
    const child = spawn(binary, this.command.arguments(this.port), { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => settle(`it did not report "${readyLine}" within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
      const onOutput = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes(readyLine)) settle();
      };
      const onError = (error: Error): void => settle(error.message);
      const onExit = (code: number | null, signal: string | null): void => settle(`it exited (code ${code}, signal ${signal})`);
      const settle = (problem?: string): void => {
        clearTimeout(timer);
        child.stdout?.off('data', onOutput).resume();
        child.stderr?.off('data', onOutput).resume();
        child.off('error', onError).off('exit', onExit);
        if (problem === undefined) return resolve();
        child.kill('SIGKILL');
        reject(new Error(`${binary} on port ${this.port} failed to start: ${problem}.\n${output}`));
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', onError).once('exit', onExit);
    });
  }
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
