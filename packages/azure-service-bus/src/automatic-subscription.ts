import { randomUUID } from 'node:crypto';
import type { ServiceBusAdministrationClient } from '@azure/service-bus';
import { administrationError } from './error-mapping';

/** The application property that addresses a liveness probe to one subscription. */
export const PROBE_FOR_PROPERTY = 'cachetProbeFor';

/**
 * The automatic strategy's subscription: uniquely named, created with auto-delete-on-idle so a crashed
 * instance's subscription disappears by itself, re-created if it vanishes, deleted on close. Its rule takes
 * every message except probes addressed to another subscription: an idle instance's probe reaches only its
 * own receiver, so a farm's idle traffic grows with its size, not its square.
 */
export class AutomaticSubscription {
  /** The generated subscription name: `cachet-` and a UUID (43 characters, under Service Bus's 50). */
  readonly name = `cachet-${randomUUID()}`;
  private recreating: Promise<void> | undefined;

  constructor(
    private readonly administration: ServiceBusAdministrationClient,
    private readonly topic: string,
    private readonly autoDeleteOnIdleMs: number,
  ) {}

  /**
   * Creates the subscription.
   * @throws ServiceBusManageRightError when the credentials lack the Manage right.
   */
  async create(): Promise<void> {
    try {
      await this.administration.createSubscription(this.topic, this.name, {
        autoDeleteOnIdle: `PT${Math.ceil(this.autoDeleteOnIdleMs / 1000)}S`,
        defaultRuleOptions: {
          name: 'cachet',
          filter: { sqlExpression: `NOT EXISTS(user.${PROBE_FOR_PROPERTY}) OR user.${PROBE_FOR_PROPERTY} = '${this.name}'` },
        },
      });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409) return; // already there
      throw administrationError(this.topic, error);
    }
  }

  /** Creates the subscription again after it was deleted under a running receiver; concurrent calls share one attempt. */
  recreate(): Promise<void> {
    this.recreating ??= this.create().finally(() => {
      this.recreating = undefined;
    });
    return this.recreating;
  }

  /** Deletes the subscription; a subscription that is already gone counts as deleted. */
  async delete(): Promise<void> {
    try {
      await this.administration.deleteSubscription(this.topic, this.name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
}
