import { randomUUID } from 'node:crypto';
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { CachetError } from '@cachet/core';
import { SharedSubscriptionWarning } from './errors';

/** Application property that marks a probe; its value is the subscription the probe is meant for. */
const PROBE_SUBSCRIPTION = 'cachet-probe-subscription';
/** Application property with the id of the connection that sent the probe. */
const PROBE_SENDER = 'cachet-probe-sender';
/** Probes per connect: with two consumers sharing a subscription, at least one reaches the other consumer unless the broker is very unlucky. */
const PROBES_PER_CONNECT = 4;

/**
 * Detects the manual strategy's misconfiguration, two instances on one subscription: on connect, a manual
 * connection publishes a few probes naming its subscription; a connection that receives a probe for its own
 * subscription from someone else warns. Probes never reach the engine.
 */
export class SharedSubscriptionProbe {
  private readonly id = randomUUID();
  private warned = false;

  constructor(
    private readonly topic: string,
    private readonly subscription: string,
    private readonly onWarning: (warning: CachetError) => void,
  ) {}

  /** The probes a manual connection publishes when it connects (its subscription keeps them until a receiver takes them). */
  probes(timeToLiveMs: number): ServiceBusMessage[] {
    return Array.from({ length: PROBES_PER_CONNECT }, () => ({
      body: Buffer.alloc(0),
      timeToLive: timeToLiveMs,
      applicationProperties: { [PROBE_SUBSCRIPTION]: this.subscription, [PROBE_SENDER]: this.id },
    }));
  }

  /** Whether `message` is a probe (to be swallowed); warns once if it shows another consumer on this subscription. */
  inspect(message: ServiceBusReceivedMessage): boolean {
    const target = message.applicationProperties?.[PROBE_SUBSCRIPTION];
    if (typeof target !== 'string') return false;
    const sender = message.applicationProperties?.[PROBE_SENDER];
    if (!this.warned && sender !== this.id && target.toLowerCase() === this.subscription.toLowerCase()) {
      this.warned = true;
      this.onWarning(new SharedSubscriptionWarning(this.topic, this.subscription));
    }
    return true;
  }
}
