import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a NATS server that can stop reading what the server sends, as a client
 * whose event loop is stuck stops reading its socket: the server's bytes for it pile up on the server,
 * which then drops it as a slow consumer. Always `close()` it after the test.
 */
export class StallingProxy {
  readonly #server: Server;
  readonly #links = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      const link = { client, upstream };
      this.#links.add(link);
      for (const socket of [client, upstream]) {
        socket.on('error', () => undefined).on('close', () => {
          this.#links.delete(link);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  /** Starts forwarding a free loopback port to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<StallingProxy> {
    const proxy = new StallingProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  /** The URL NATS clients connect to. */
  get url(): string {
    const address = this.#server.address();
    if (typeof address !== 'object' || address === null) throw new Error('the proxy is not listening');
    return `nats://127.0.0.1:${address.port}`;
  }

  /** Stops reading from the server on every open connection; what it sends waits in the kernel, then on the server. */
  stall(): void {
    for (const { client, upstream } of this.#links) {
      upstream.unpipe(client);
      upstream.pause();
    }
  }

  /** Reads and forwards again, including the end of a connection the server closed meanwhile. */
  resume(): void {
    for (const { client, upstream } of this.#links) upstream.pipe(client);
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const { client } of this.#links) client.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
