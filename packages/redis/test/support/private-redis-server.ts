import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const STARTUP_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A `redis-server` of the test's own, on a free loopback port, that a fault test may kill and restart
 * (never the shared server on 6379). Always `stop()` it in `afterAll`; a process-exit hook kills leftovers.
 */
export class PrivateRedisServer {
  readonly port: number;
  readonly #extraArguments: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, extraArguments: readonly string[]) {
    this.port = port;
    this.#extraArguments = extraArguments;
  }

  /**
   * Starts a server on a free port and resolves once it accepts connections.
   * @param extraArguments more `redis-server` arguments, given the port (such as cluster mode).
   */
  static async start(extraArguments: (port: number) => readonly string[] = () => []): Promise<PrivateRedisServer> {
    assertRedisServerInstalled();
    const port = await freePort();
    const server = new PrivateRedisServer(port, extraArguments(port));
    await server.restart();
    return server;
  }

  /** The URL clients connect to. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
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

  /**
   * Freezes the server (SIGSTOP): connections stay open and the kernel still accepts bytes, but nothing
   * is answered, as when Redis hangs. {@link PrivateRedisServer.resume} thaws it.
   */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT): it answers what it was sent meanwhile. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Starts the server again on the same port (stopping it first if it runs); empty, as after a crash. */
  async restart(): Promise<void> {
    await this.stop();
    const options = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.#extraArguments];
    const child = spawn('redis-server', options, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => settle(`it did not report "Ready to accept connections" within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
      const onOutput = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) settle();
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
        reject(new Error(`redis-server on port ${this.port} failed to start: ${problem}.\n${output}`));
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', onError).once('exit', onExit);
    });
  }
}

/**
 * Gives a file's (or a `describe` block's) tests a private redis-server, started before them and killed
 * after them.
 * @param extraArguments more `redis-server` arguments, given the port.
 * @returns a holder whose `server` is the running server, once the tests run.
 */
export function usePrivateRedis(extraArguments?: (port: number) => readonly string[]): { readonly server: PrivateRedisServer } {
  const holder = { server: undefined as unknown as PrivateRedisServer };
  beforeAll(async () => {
    holder.server = await PrivateRedisServer.start(extraArguments);
  });
  afterAll(() => holder.server?.stop());
  return holder;
}

function assertRedisServerInstalled(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'The fault tests start their own redis-server, but `redis-server` is not on PATH. Install it: ' +
        '`sudo apt-get install redis-server` (Debian/Ubuntu), `brew install redis` (macOS), or see https://redis.io/docs/install/.',
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
