import { connect, createServer, type Server, type Socket } from 'node:net';
import { EVENT_TIMEOUT_MS } from './wait-for';
import { Wakers } from './wakers';

/** What a test can see of one client connection through a {@link TcpProxy}. */
export interface ProxiedConnection {
  /** Numbers connections in the order the proxy accepted them, from 1. */
  readonly id: number;
  /** Every byte the client sent so far, forwarded or held. */
  readonly sent: Buffer;
  /** Bytes the client sent that are held, not forwarded (while it is blackholed or waiting to be connected). */
  readonly heldToServer: number;
  /** Bytes the server sent that are held, not forwarded (while it is blackholed). */
  readonly heldToClient: number;
  /** Whether the client sent a RESP command of that name (in any case), such as `SUBSCRIBE`. */
  hasSent(command: string): boolean;
}

/**
 * What became of a blackholed connection once the network heals.
 * - `'resume'`: the outage was shorter than TCP gives up after, and the server kept the connection: what
 *   was held is delivered late, in order, both ways.
 * - `'reset'`: the server's side is gone (it restarted, or a NAT or firewall forgot the flow): what was held
 *   is lost; the client's socket stays open and silent until it sends something, which the server's host
 *   answers with a reset (at once, if the client sent anything during the outage, as TCP retransmits it).
 */
export type HealOutcome = 'resume' | 'reset';

/** Options of {@link TcpProxy.blackhole}. */
export interface BlackholeOptions {
  /** The one connection to silence; every live connection when omitted. */
  readonly connection?: ProxiedConnection;
  /**
   * What happens to connections made until {@link TcpProxy.heal}: `'hang'` accepts them and leaves them
   * silent (as a partitioned network does, instead of refusing them), and connects them to the server at
   * `heal()`, as a retransmitted handshake would; `'forward'` forwards them as usual.
   * @default 'forward'
   */
  readonly newConnections?: 'hang' | 'forward';
}

type LinkState = 'forwarding' | 'blackholed' | 'waiting' | 'orphaned';

/**
 * A loopback TCP proxy in front of a server (such as a private redis-server) that a test controls: it
 * lists the live connections, silences one or all of them while keeping every socket open (a half-open
 * link), heals them, or severs them. Always `close()` it after the test.
 */
export class TcpProxy {
  readonly #targetPort: number;
  readonly #server: Server;
  readonly #links = new Set<Link>();
  readonly #changes = new Wakers();
  #hangNewConnections = false;
  #nextId = 1;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts forwarding a free loopback port to `targetPort` on 127.0.0.1. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  /** The port clients connect to. */
  get port(): number {
    const address = this.#server.address();
    if (typeof address !== 'object' || address === null) throw new Error('the proxy is not listening');
    return address.port;
  }

  /** The URL Redis clients connect to. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The connections open now, oldest first. */
  connections(): readonly ProxiedConnection[] {
    return [...this.#links];
  }

  /**
   * Resolves with the oldest open connection that satisfies `predicate`, as soon as one does (re-checked
   * whenever a connection opens, sends or closes); fails after `timeoutMs`.
   */
  async waitForConnection(description: string, predicate: (connection: ProxiedConnection) => boolean, timeoutMs = EVENT_TIMEOUT_MS): Promise<ProxiedConnection> {
    const find = (): ProxiedConnection | undefined => [...this.#links].find(predicate);
    await this.#changes.until(`a connection through the proxy that ${description}`, () => find() !== undefined, timeoutMs);
    return find() as ProxiedConnection;
  }

  /**
   * Stops forwarding, both ways, on one connection or all of them, and keeps their sockets open on both
   * sides: the client's requests go unanswered and nothing reaches it, and nobody is told. Bytes are held
   * until {@link TcpProxy.heal}.
   */
  blackhole(options: BlackholeOptions = {}): void {
    const targets = options.connection === undefined ? [...this.#links] : [this.#link(options.connection)];
    for (const link of targets) link.blackhole();
    if (options.newConnections === 'hang') this.#hangNewConnections = true;
  }

  /**
   * Ends every blackhole: connections made while new ones hung are connected to the server now, and each
   * blackholed connection fares as `outcome` says. Connections made from now on are forwarded.
   * @param outcome what became of the blackholed connections; see {@link HealOutcome}.
   */
  heal(outcome: HealOutcome): void {
    this.#hangNewConnections = false;
    for (const link of this.#links) link.heal(outcome);
  }

  /** Closes every connection at once, as a plain disconnect does; new connections are accepted as before. */
  sever(): void {
    for (const link of this.#links) link.destroy();
  }

  /** Severs every connection and stops listening. */
  async close(): Promise<void> {
    this.sever();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #accept(client: Socket): void {
    const link = new Link(this.#nextId++, client, () => connect(this.#targetPort, '127.0.0.1'), () => this.#changes.wake());
    this.#links.add(link);
    client.once('close', () => {
      this.#links.delete(link);
      this.#changes.wake();
    });
    if (!this.#hangNewConnections) link.open();
    this.#changes.wake();
  }

  #link(connection: ProxiedConnection): Link {
    if (!(connection instanceof Link) || !this.#links.has(connection)) throw new Error(`connection ${connection.id} is not open on this proxy`);
    return connection;
  }
}

/** One client connection and its connection to the server, forwarded or held as the test says. */
class Link implements ProxiedConnection {
  readonly id: number;
  readonly #client: Socket;
  readonly #connectUpstream: () => Socket;
  readonly #changed: () => void;
  #upstream: Socket | undefined;
  /** `waiting` until {@link Link.open} connects it to the server. */
  #state: LinkState = 'waiting';
  readonly #sent: Buffer[] = [];
  #toServer: Buffer[] = [];
  #toClient: Buffer[] = [];

  constructor(id: number, client: Socket, connectUpstream: () => Socket, changed: () => void) {
    this.id = id;
    this.#client = client;
    this.#connectUpstream = connectUpstream;
    this.#changed = changed;
    client.on('error', () => undefined).on('close', () => this.#upstream?.destroy());
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
  }

  get sent(): Buffer {
    return Buffer.concat(this.#sent);
  }

  get heldToServer(): number {
    return byteLength(this.#toServer);
  }

  get heldToClient(): number {
    return byteLength(this.#toClient);
  }

  hasSent(command: string): boolean {
    // A RESP command is an array of bulk strings, its name first: `*<n>\r\n$<len>\r\n<NAME>\r\n…`.
    return new RegExp(`\\*\\d+\\r\\n\\$${command.length}\\r\\n${command}\\r\\n`, 'i').test(this.sent.toString('latin1'));
  }

  /** Connects to the server and forwards what the client sent meanwhile. */
  open(): void {
    const upstream = this.#connectUpstream();
    this.#upstream = upstream;
    upstream.on('error', () => undefined).on('close', () => {
      if (this.#upstream === upstream) this.#client.destroy();
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.#upstream === upstream) this.#fromServer(chunk);
    });
    this.#forward();
  }

  blackhole(): void {
    if (this.#state === 'forwarding') this.#state = 'blackholed';
  }

  heal(outcome: HealOutcome): void {
    if (this.#state === 'waiting') this.open();
    else if (this.#state === 'blackholed' && outcome === 'resume') this.#forward();
    else if (this.#state === 'blackholed') this.#orphan();
  }

  destroy(): void {
    this.#client.destroy();
  }

  #forward(): void {
    this.#state = 'forwarding';
    for (const chunk of this.#toServer.splice(0)) this.#upstream?.write(chunk);
    for (const chunk of this.#toClient.splice(0)) this.#client.write(chunk);
  }

  /** The server's side is gone: drop it and what was held; the client learns on its next byte. */
  #orphan(): void {
    const clientSentMeanwhile = this.#toServer.length > 0;
    const upstream = this.#upstream;
    this.#upstream = undefined;
    upstream?.destroy();
    this.#toServer = [];
    this.#toClient = [];
    this.#state = 'orphaned';
    if (clientSentMeanwhile) this.#client.resetAndDestroy();
  }

  #fromClient(chunk: Buffer): void {
    this.#sent.push(chunk);
    if (this.#state === 'forwarding') this.#upstream?.write(chunk);
    else if (this.#state === 'orphaned') this.#client.resetAndDestroy();
    else this.#toServer.push(chunk);
    this.#changed();
  }

  #fromServer(chunk: Buffer): void {
    if (this.#state === 'forwarding') this.#client.write(chunk);
    else this.#toClient.push(chunk);
    this.#changed();
  }
}

function byteLength(chunks: readonly Buffer[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}
