import { freePort, PrivateServerProcess } from './private-server';

/**
 * A `redis-server` of the test's own, on a free loopback port, that a fault test may kill, freeze and
 * restart (never the shared server on 6379). Always `stop()` it in `afterAll`.
 */
export class PrivateRedisServer extends PrivateServerProcess {
  /**
   * Starts a server on a free port and resolves once it accepts connections.
   * @param extraArguments more `redis-server` arguments, given the port (such as cluster mode).
   */
  static async start(extraArguments: (port: number) => readonly string[] = () => []): Promise<PrivateRedisServer> {
    const port = await freePort();
    return new PrivateRedisServer(port, {
      binary: 'redis-server',
      arguments: () => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArguments(port)],
      readyLine: 'Ready to accept connections',
      installAdvice: '`sudo apt-get install redis-server` (Debian/Ubuntu), `brew install redis` (macOS), or see https://redis.io/docs/install/.',
    }).launch();
  }

  /** The URL clients connect to. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
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
