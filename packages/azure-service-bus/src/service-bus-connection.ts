import type { ProcessErrorArgs, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';
import { SynchronizationError, type CachetError, type TransportConnection, type TransportListener } from '@cachet/core';
import { AutomaticSubscription, PROBE_FOR_PROPERTY } from './automatic-subscription';
import { openClients, type ServiceBusClients } from './clients';
import { ENTITY_NOT_FOUND, receiverError, senderError, serviceBusCode, TRANSPORT_NAME } from './error-mapping';
import { SubscriptionCleanupWarning } from './errors';
import { ENVELOPE_ALLOWANCE_BYTES, type ResolvedServiceBusOptions } from './resolve-options';
import { SharedSubscriptionProbe } from './shared-subscription-probe';

/**
 * One open connection: a sender on the topic and a receiveAndDelete receiver on this instance's
 * subscription. Publishes and delivers text, and reports the receive errors the SDK gives as down; the
 * engine proves the subscription with its own messages and tells when the link is back.
 */
export class ServiceBusConnection implements TransportConnection {
  readonly ordered = false;
  private linkMaxBytes = 0;
  private automatic: AutomaticSubscription | undefined;
  private closing: Promise<void> | undefined;
  private stopReceiving: (() => Promise<void>) | undefined;
  private receiver: ServiceBusReceiver | undefined;
  /**
   * With the automatic strategy: publishes a probe that only this instance's subscription takes (its rule
   * drops probes addressed to others). A manual subscription takes every message, so there is none.
   */
  probe: ((payload: string) => Promise<void>) | undefined = undefined;

  private constructor(
    private readonly options: ResolvedServiceBusOptions,
    private readonly clients: ServiceBusClients,
    private readonly sender: ServiceBusSender,
    private readonly listener: TransportListener,
  ) {}

  /**
   * Opens the sender, creates the subscription (automatic strategy) and starts receiving from it; resolves
   * without waiting for the receiver link to attach (the subscription keeps messages until it does).
   * Releases whatever it created when any step fails.
   * @throws ServiceBusUnauthorizedError, ServiceBusManageRightError, ServiceBusEntityNotFoundError or SynchronizationError.
   */
  static async open(options: ResolvedServiceBusOptions, listener: TransportListener): Promise<ServiceBusConnection> {
    const clients = openClients(options.source);
    const connection = new ServiceBusConnection(options, clients, clients.client.createSender(options.topic), listener);
    try {
      await connection.start();
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** The largest payload the engine may publish: the option, capped under the link's own limit. */
  get maxPayloadBytes(): number {
    return Math.min(this.options.maxPayloadBytes, this.linkMaxBytes - ENVELOPE_ALLOWANCE_BYTES);
  }

  private async start(): Promise<void> {
    // Opening the sender first proves the key and the Send right, so a later 401 from the
    // administration API can only mean a missing Manage right.
    this.linkMaxBytes = await this.sender
      .createMessageBatch()
      .then((batch) => batch.maxSizeInBytes)
      .catch((error: unknown) => Promise.reject(senderError(this.options.topic, error)));
    if (this.options.subscription === undefined) {
      const automatic = new AutomaticSubscription(this.clients.administration(), this.options.topic, this.options.autoDeleteOnIdleMs);
      await automatic.create();
      this.automatic = automatic; // only now is there a subscription for close() to delete
      this.probe = (payload) => this.send(payload, { [PROBE_FOR_PROPERTY]: automatic.name });
    }
    await this.startReceiving();
  }

  private get subscriptionName(): string {
    return this.automatic?.name ?? (this.options.subscription as string);
  }

  private async startReceiving(): Promise<void> {
    const { topic } = this.options;
    const subscription = this.subscriptionName;
    const manual = this.automatic === undefined;
    const probe = new SharedSubscriptionProbe(topic, subscription, this.options.onWarning);
    const receiver = this.clients.client.createReceiver(topic, subscription, { receiveMode: 'receiveAndDelete', skipParsingBodyAsJson: true });
    this.receiver = receiver;
    const running = receiver.subscribe({
      processMessage: async (message) => this.onMessage(message, probe),
      processError: async (args) => this.onReceiveError(args, manual),
    });
    this.stopReceiving = () => running.close();
    if (manual) await this.sender.sendMessages(probe.probes(this.options.timeToLiveMs));
  }

  private onMessage(message: ServiceBusReceivedMessage, probe: SharedSubscriptionProbe): void {
    if (probe.inspect(message)) return;
    this.listener.message(toText(message.body));
  }

  /** A receive error: the SDK keeps retrying; the engine hears it as down (and rejects `initialize()` with it if nothing arrives). */
  private onReceiveError({ error, errorSource }: ProcessErrorArgs, manual: boolean): void {
    if (errorSource !== 'receive' || this.closing) return;
    this.listener.down(receiverError(this.options.topic, this.subscriptionName, manual, error));
    // A subscription deleted under the receiver (auto-delete after a long pause, or an operator): the
    // automatic strategy re-creates it and the SDK's retry re-attaches; the engine's messages confirm it.
    if (!manual && serviceBusCode(error) === ENTITY_NOT_FOUND) {
      this.automatic?.recreate().catch((recreateError: unknown) => this.options.onWarning(recreateError as CachetError));
    }
  }

  /** Publishes one payload with the configured time-to-live; rejects when Service Bus did not accept it. */
  publish(payload: string): Promise<void> {
    return this.send(payload, undefined);
  }

  private async send(payload: string, applicationProperties: Record<string, string> | undefined): Promise<void> {
    if (this.closing) throw new SynchronizationError('E_SYNC_PUBLISH', TRANSPORT_NAME, 'cannot publish: this connection is closed.');
    await this.sender.sendMessages({
      // Bytes, not a string body: the SDK would JSON-encode a string, and other tools read UTF-8 text as it is.
      body: Buffer.from(payload, 'utf8'),
      contentType: 'text/plain; charset=utf-8',
      timeToLive: this.options.timeToLiveMs,
      ...(applicationProperties === undefined ? {} : { applicationProperties }),
    });
  }

  /** Closes the receiver and the sender, deletes the automatic subscription and closes an owned client. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.release();
    return this.closing;
  }

  private async release(): Promise<void> {
    await settle(this.stopReceiving?.());
    await settle(this.receiver?.close());
    await settle(this.sender.close());
    if (this.automatic) {
      const entity = `${this.options.topic}/Subscriptions/${this.automatic.name}`;
      await this.automatic.delete().catch((error: unknown) => this.options.onWarning(new SubscriptionCleanupWarning(entity, this.options.autoDeleteOnIdleMs, { cause: error })));
    }
    if (this.clients.ownsClient) await settle(this.clients.client.close());
  }
}

/** Waits for a clean-up step and ignores its failure: closing must release everything it can. */
async function settle(step: Promise<unknown> | undefined): Promise<void> {
  await step?.catch(() => undefined);
}

/** The message body as text: binary bodies decoded as UTF-8; anything else (a foreign sender) as JSON, for the engine to reject. */
function toText(body: unknown): string {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
}
