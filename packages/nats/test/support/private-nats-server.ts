import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

const STARTUP_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * A `nats-server` of the test's own, on a free loopback port, that a fault test may kill and restart (never
 * the shared server on 4222). Always `stop()` it in `afterAll`; a process-exit hook kills leftovers.
 */
export class PrivateNatsServer {
  readonly port: number;
  readonly #extraArguments: readonly string[];
  #child: ChildProcess | undefined;

  private constructor(port: number, extraArguments: readonly string[]) {
    this.port = port;
    this.#extraArguments = extraArguments;
  }

  /**
   * Starts a server on a free port and resolves once it accepts connections.
   * @param extraArguments more `nats-server` arguments, such as cluster settings.
   */
  static async start(extraArguments: readonly string[] = []): Promise<PrivateNatsServer> {
    assertNatsServerInstalled();
    const server = new PrivateNatsServer(await freePort(), extraArguments);
    await server.restart();
    return server;
  }

  /**
   * Starts two servers routed into one cluster, so that a client of one hears the clients of the other: a
   * test kills and restarts the first while the second keeps running. Neither tells its clients about the
   * other, so a client of the first never fails over to the second.
   */
  static async startRoutedPair(): Promise<[killable: PrivateNatsServer, steady: PrivateNatsServer]> {
    const routePorts = [await freePort(), await freePort()] as const;
    const clusterArguments = (own: number, other: number): string[] => [
      '--cluster_name', 'cachet-test', '--cluster', `nats://127.0.0.1:${own}`, '--routes', `nats://127.0.0.1:${other}`, '--no_advertise=true',
    ];
    const steady = await PrivateNatsServer.start(clusterArguments(routePorts[1], routePorts[0]));
    const killable = await PrivateNatsServer.start(clusterArguments(routePorts[0], routePorts[1]));
    return [killable, steady];
  }

  /** The URL clients connect to. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
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

  /** Starts the server again on the same port (killing it first if it runs), with no subscriptions, as after a crash. */
  async restart(): Promise<void> {
    await this.stop();
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), ...this.#extraArguments], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => settle(`it did not report "Server is ready" within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
      const onOutput = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Server is ready')) settle();
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
        reject(new Error(`nats-server on port ${this.port} failed to start: ${problem}.\n${output}`));
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', onError).once('exit', onExit);
    });
  }
}

function assertNatsServerInstalled(): void {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'The fault tests start their own nats-server, but `nats-server` is not on PATH. Install it: ' +
        '`sudo apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server` (macOS), or see https://docs.nats.io/running-a-nats-service/introduction/installation.',
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
