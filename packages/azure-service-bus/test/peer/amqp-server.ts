import type { Socket } from 'node:net';
import { create_container, type Connection, type ConnectionOptions, type Container, type EventContext, type Message, type Receiver, type Sender, type Source, type TerminusOptions } from 'rhea';
import { unpackTransfer } from './batch-format';
import type { Consumer, EntityStore } from './entities';
import { checkSasToken, covers, resourcePath, type PeerPolicies, type PeerRight } from './sas';

/** The largest message the peer accepts, as announced on sender attaches (the Standard tier's 256 KB). */
export const PEER_MAX_MESSAGE_SIZE = 256 * 1024;

/** The fields of a rhea link that its typings do not expose. */
interface LinkInternals {
  credit: number;
  local: { attach: { snd_settle_mode?: number; rcv_settle_mode?: number; max_message_size?: number } };
  remote: { attach: { snd_settle_mode?: number; rcv_settle_mode?: number; source?: Source & TerminusOptions; target?: TerminusOptions } };
}

function internals(link: Sender | Receiver): LinkInternals {
  return link as unknown as LinkInternals;
}

/** What one AMQP connection has been authorized for through `$cbs`, and its links. */
interface ConnectionState {
  readonly grants: { readonly resource: string; readonly rights: ReadonlySet<PeerRight> }[];
  readonly cbsRepliers: Map<string, Sender>;
  readonly consumers: Map<Sender, { topic: string; subscription: string; consumer: Consumer }>;
}

/** Logs a failure inside a rhea handler instead of letting it drop the socket. */
export type PeerErrorLog = (where: string, error: unknown) => void;

/**
 * The AMQP 1.0 side of the peer, built on rhea: `$cbs` put-token with SAS validation, sender links onto
 * topics (single messages and the batch format), and receiver links on subscriptions.
 */
export class AmqpServer {
  private readonly container: Container;
  private readonly states = new Map<Connection, ConnectionState>();

  constructor(
    private readonly store: EntityStore,
    private readonly policies: PeerPolicies,
    private readonly logError: PeerErrorLog,
  ) {
    this.container = create_container({ id: 'cachet-service-bus-peer' });
    this.container.sasl_server_mechanisms.enable_anonymous();
    this.container.on('receiver_open', (context: EventContext) => this.guard('receiver_open', () => this.onClientSender(context)));
    this.container.on('sender_open', (context: EventContext) => this.guard('sender_open', () => this.onClientReceiver(context)));
    this.container.on('message', (context: EventContext) => this.guard('message', () => this.onMessage(context)));
    this.container.on('sendable', (context: EventContext) => this.guard('sendable', () => this.onSendable(context)));
    this.container.on('sender_draining', (context: EventContext) => this.guard('sender_draining', () => this.onDraining(context)));
    this.container.on('sender_close', (context: EventContext) => this.guard('sender_close', () => this.forgetLink(context)));
    this.container.on('connection_close', (context: EventContext) => this.guard('connection_close', () => this.forgetConnection(context.connection)));
    this.container.on('disconnected', (context: EventContext) => this.guard('disconnected', () => this.forgetConnection(context.connection)));
    this.container.on('error', (error: unknown) => this.logError('container', error));
  }

  /** Takes over a socket whose first bytes are the AMQP protocol header. */
  accept(socket: Socket): void {
    const connection = this.container.create_connection({} as ConnectionOptions) as Connection & { accept(socket: Socket): void };
    this.states.set(connection, { grants: [], cbsRepliers: new Map(), consumers: new Map() });
    connection.accept(socket);
  }

  /** Forgets every connection's receivers, before the sockets are dropped (an outage loses no queued message to a dead link). */
  forgetAll(): void {
    for (const connection of [...this.states.keys()]) this.forgetConnection(connection);
  }

  private state(connection: Connection): ConnectionState {
    const state = this.states.get(connection);
    if (!state) throw new Error('a connection the peer did not accept');
    return state;
  }

  private guard(where: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logError(where, error);
    }
  }

  /** The client opened a sender: to `$cbs` (token requests) or to a topic. */
  private onClientSender(context: EventContext): void {
    const link = context.receiver as Receiver;
    const remote = internals(link).remote.attach;
    const address = String(remote.target?.address ?? '');
    link.set_target({ address });
    link.set_source(remote.source ?? { address: '' });
    internals(link).local.attach.max_message_size = PEER_MAX_MESSAGE_SIZE;
    if (address === '$cbs') return;
    if (!this.store.hasTopic(address)) {
      link.close({ condition: 'amqp:not-found', description: `The messaging entity '${address}' could not be found.` });
    } else if (!this.authorized(context.connection, address, 'Send')) {
      link.close({ condition: 'amqp:unauthorized-access', description: `Unauthorized access. 'Send' claim(s) are required to perform this operation on '${address}'.` });
    }
  }

  /** The client opened a receiver: the `$cbs` reply link or a subscription. */
  private onClientReceiver(context: EventContext): void {
    const link = context.sender as Sender;
    const remote = internals(link).remote.attach;
    const address = String(remote.source?.address ?? '');
    link.set_source({ address });
    link.set_target(remote.target ?? { address: '' });
    internals(link).local.attach.snd_settle_mode = remote.snd_settle_mode;
    internals(link).local.attach.rcv_settle_mode = remote.rcv_settle_mode;
    const state = this.state(context.connection);
    if (address === '$cbs' || link.name.startsWith('cbs')) {
      state.cbsRepliers.set(link.name, link);
      return;
    }
    const match = /^([^/]+)\/Subscriptions\/([^/]+)$/i.exec(address);
    if (!match) {
      link.close({ condition: 'amqp:not-implemented', description: `The peer does not serve '${address}'.` });
      return;
    }
    const [, topic, subscription] = match as unknown as [string, string, string];
    if (!this.store.subscription(topic, subscription)) {
      link.close({ condition: 'amqp:not-found', description: `The messaging entity '${address}' could not be found.` });
      return;
    }
    if (!this.authorized(context.connection, address, 'Listen')) {
      link.close({ condition: 'amqp:unauthorized-access', description: `Unauthorized access. 'Listen' claim(s) are required to perform this operation on '${address}'.` });
      return;
    }
    const consumer: Consumer = {
      credit: () => (link.is_open() ? internals(link).credit : 0),
      deliver: (encoded) => void link.send(encoded, undefined, 0),
      detach: (condition, description) => {
        state.consumers.delete(link);
        link.close({ condition, description });
      },
    };
    state.consumers.set(link, { topic, subscription, consumer });
    this.store.attach(topic, subscription, consumer);
  }

  private onMessage(context: EventContext): void {
    const link = context.receiver as Receiver;
    const address = String(internals(link).remote.attach.target?.address ?? '');
    if (address === '$cbs') {
      this.onPutToken(context);
      return;
    }
    const delivery = context.delivery;
    try {
      const format = (context as EventContext & { format?: number }).format;
      for (const message of unpackTransfer(context.message as never, format)) {
        this.store.publish(address, message);
      }
      delivery?.accept();
    } catch (error) {
      delivery?.reject({ condition: 'amqp:decode-error', description: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Answers a `$cbs` put-token request: 202 for a valid SAS token, 401 otherwise. */
  private onPutToken(context: EventContext): void {
    const request = context.message;
    if (!request) return;
    const state = this.state(context.connection);
    const properties = (request.application_properties ?? {}) as Record<string, unknown>;
    const check = checkSasToken(String(request.body ?? ''), this.policies);
    let status = 202;
    let description = 'Accepted';
    if (properties['operation'] !== 'put-token') {
      status = 400;
      description = `unsupported $cbs operation ${String(properties['operation'])}`;
    } else if (!check.ok) {
      status = 401;
      description = `InvalidSignature: ${check.reason}`;
    } else if (!this.entityExists(String(properties['name'] ?? check.resource))) {
      // Service Bus checks the entity when the token is put, before any link is attached.
      status = 404;
      description = `The messaging entity '${resourcePath(String(properties['name']))}' could not be found.`;
    } else {
      state.grants.push({ resource: String(properties['name'] ?? check.resource), rights: check.rights });
    }
    const replier = state.cbsRepliers.get(String(request.reply_to ?? ''));
    context.delivery?.accept();
    const condition = status === 404 ? { 'error-condition': 'amqp:not-found' } : {};
    const reply = { correlation_id: request.message_id, application_properties: { 'status-code': status, 'status-description': description, ...condition } };
    replier?.send(reply as unknown as Message);
  }

  /** Whether the entity a token audience names exists: the namespace, a topic, or a subscription. */
  private entityExists(audience: string): boolean {
    const [topic, subscriptions, name] = resourcePath(audience).replace(/\/\$management$/, '').split('/');
    if (!topic) return true;
    if (subscriptions === undefined) return this.store.hasTopic(topic);
    return name !== undefined && this.store.subscription(topic, name) !== undefined;
  }

  private authorized(connection: Connection, address: string, right: PeerRight): boolean {
    return this.state(connection).grants.some((grant) => grant.rights.has(right) && covers(grant.resource, address));
  }

  private onSendable(context: EventContext): void {
    const entry = this.states.get(context.connection)?.consumers.get(context.sender as Sender);
    if (entry) this.store.pump(entry.topic, entry.subscription);
  }

  private onDraining(context: EventContext): void {
    this.onSendable(context);
    (context.sender as Sender).set_drained(true);
  }

  private forgetLink(context: EventContext): void {
    const state = this.states.get(context.connection);
    const link = context.sender as Sender;
    const entry = state?.consumers.get(link);
    if (!state || !entry) return;
    state.consumers.delete(link);
    this.store.detach(entry.topic, entry.subscription, entry.consumer);
  }

  private forgetConnection(connection: Connection): void {
    const state = this.states.get(connection);
    if (!state) return;
    for (const entry of state.consumers.values()) this.store.detach(entry.topic, entry.subscription, entry.consumer);
    state.consumers.clear();
    this.states.delete(connection);
  }
}
