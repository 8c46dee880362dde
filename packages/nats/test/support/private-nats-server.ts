import { freePort, PrivateServerProcess } from '../../../redis/test/support/private-server';

/**
 * A `nats-server` of the test's own, on a free loopback port, that a fault test may kill and restart (never
 * the shared server on 4222). Always `stop()` it in `afterAll`.
 */
export class PrivateNatsServer extends PrivateServerProcess {
  /**
   * Starts a server on a free port and resolves once it accepts connections.
   * @param extraArguments more `nats-server` arguments, such as cluster settings.
   */
  static async start(extraArguments: readonly string[] = []): Promise<PrivateNatsServer> {
    return new PrivateNatsServer(await freePort(), {
      binary: 'nats-server',
      arguments: (port) => ['-a', '127.0.0.1', '-p', String(port), ...extraArguments],
      readyLine: 'Server is ready',
      installAdvice:
        '`sudo apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server` (macOS), or see https://docs.nats.io/running-a-nats-service/introduction/installation.',
    }).launch();
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
}
