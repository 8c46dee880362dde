import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createAdminHandler, type AdminRequestLog } from './admin-http';
import { AmqpServer } from './amqp-server';
import { EntityStore } from './entities';
import type { PeerPolicies, PeerRight } from './sas';

/** How to set up a {@link ServiceBusTestPeer}. */
export interface ServiceBusTestPeerOptions {
  /** Topics that exist from the start. @default ['invalidations'] */
  readonly topics?: readonly string[];
  /** Subscriptions that exist from the start (the manual strategy's pre-created ones). @default [] */
  readonly subscriptions?: readonly { readonly topic: string; readonly name: string }[];
  /**
   * Shared access policies: key name → key and rights.
   * @default one policy per useful combination, see {@link DEFAULT_PEER_POLICIES}
   */
  readonly policies?: Readonly<Record<string, { readonly key: string; readonly rights: readonly PeerRight[] }>>;
  /** The topic's default message time-to-live, which also caps a message's own. @default 30_000 */
  readonly defaultMessageTimeToLiveMs?: number;
  /** Whether a topic comes into existence when first used (for suites that invent topic names). @default false */
  readonly createTopicsOnDemand?: boolean;
  /** Where failures inside the peer's handlers go. @default console.error */
  readonly logError?: (where: string, error: unknown) => void;
}

/** The policies a peer has unless told otherwise: one with every right, one without Manage, one listen-only. */
export const DEFAULT_PEER_POLICIES = {
  RootManageSharedAccessKey: { key: 'cm9vdC1rZXktZm9yLXRoZS10ZXN0LXBlZXI=', rights: ['Send', 'Listen', 'Manage'] },
  SendListen: { key: 'c2VuZC1saXN0ZW4ta2V5LWZvci10aGUtcGVlcg==', rights: ['Send', 'Listen'] },
  ListenOnly: { key: 'bGlzdGVuLW9ubHkta2V5LWZvci10aGUtcGVlcg==', rights: ['Listen'] },
} as const satisfies ServiceBusTestPeerOptions['policies'];

/**
 * A Service Bus stand-in for tests and the example: AMQP 1.0 (through rhea) and the ATOM admin API on one
 * loopback port, so the real `@azure/service-bus` SDK talks to it with an ordinary connection string.
 *
 * @example
 * ```ts
 * const peer = await ServiceBusTestPeer.start({ subscriptions: [{ topic: 'invalidations', name: 'app-1' }] });
 * const connectionString = peer.connectionString();
 * await peer.stop();
 * ```
 */
export class ServiceBusTestPeer {
  /** Subscriptions, topics and events (`subscription-created`, `consumer-attached`, ...) to await in tests. */
  readonly entities: EntityStore;
  /** Every ATOM request served, in order. */
  readonly adminRequests: AdminRequestLog[] = [];
  private readonly policies: PeerPolicies;
  private readonly amqp: AmqpServer;
  private readonly logError: (where: string, error: unknown) => void;
  private readonly http;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(options: ServiceBusTestPeerOptions) {
    const policies = options.policies ?? DEFAULT_PEER_POLICIES;
    this.policies = new Map(Object.entries(policies).map(([name, p]) => [name, { key: p.key, rights: new Set(p.rights) }]));
    this.entities = new EntityStore(options.topics ?? ['invalidations'], options.defaultMessageTimeToLiveMs ?? 30_000, options.createTopicsOnDemand ?? false);
    for (const sub of options.subscriptions ?? []) {
      this.entities.createSubscription({ ...sub, autoDeleteOnIdle: 'P10675199DT2H48M5.4775807S', defaultMessageTimeToLive: 'PT30S', sqlFilter: '1=1', accepts: () => true });
    }
    this.logError = options.logError ?? ((where, error) => console.error(`[service-bus-peer] ${where}:`, error));
    this.amqp = new AmqpServer(this.entities, this.policies, this.logError);
    this.http = createHttpServer(createAdminHandler(this.entities, this.policies, this.adminRequests));
  }

  /** Starts a peer on a free loopback port. */
  static async start(options: ServiceBusTestPeerOptions = {}): Promise<ServiceBusTestPeer> {
    const peer = new ServiceBusTestPeer(options);
    await peer.listen(0);
    return peer;
  }

  /** The port the peer listens on (kept across {@link ServiceBusTestPeer.restart}). */
  get port(): number {
    return this.boundPort;
  }

  /** Whether the peer is accepting connections. */
  get running(): boolean {
    return this.server !== undefined;
  }

  /**
   * A connection string for one of the peer's policies, with `UseDevelopmentEmulator=true` so the SDK uses
   * plain TCP. `key` overrides the policy's key (to test a wrong key); `entityPath` adds `EntityPath`.
   */
  connectionString(keyName: string = 'RootManageSharedAccessKey', options: { key?: string; entityPath?: string } = {}): string {
    const key = options.key ?? this.policies.get(keyName)?.key ?? 'unknown';
    const entityPath = options.entityPath ? `;EntityPath=${options.entityPath}` : '';
    return `Endpoint=sb://127.0.0.1:${this.boundPort};SharedAccessKeyName=${keyName};SharedAccessKey=${key}${entityPath};UseDevelopmentEmulator=true`;
  }

  /** Drops every connection and stops listening, like a broker outage; entities and queued messages are kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.amqp.forgetAll();
    // With an error: rhea listens for 'error' and 'end' (not 'close'), and only then stops its heartbeat timers.
    for (const socket of this.sockets) socket.destroy(new Error('the Service Bus test peer stopped'));
    this.sockets.clear();
    await closed;
  }

  /** Listens again on the same port after {@link ServiceBusTestPeer.stop}. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen(this.boundPort);
  }

  /** Stops the peer and its idle timers for good. */
  async close(): Promise<void> {
    await this.stop();
    this.entities.dispose();
  }

  /** Deletes a subscription under whatever receivers it has, as auto-delete-on-idle or an operator would. */
  deleteSubscription(topic: string, name: string): boolean {
    return this.entities.deleteSubscription(topic, name, 'test');
  }

  private listen(port: number): Promise<void> {
    const server = createNetServer((socket) => this.route(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        this.server = server;
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Sends a socket to the AMQP server or the ATOM endpoint, by its first byte ('A' of the AMQP header). */
  private route(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      try {
        socket.pause();
        socket.unshift(chunk);
        if (chunk[0] === 0x41) this.amqp.accept(socket);
        else this.http.emit('connection', socket);
        socket.resume();
      } catch (error) {
        this.logError('route', error);
        socket.destroy();
      }
    });
  }
}
