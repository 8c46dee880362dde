import { EventEmitter } from 'node:events';
import type { IncomingTopicMessage } from './batch-format';
import { parseIsoDuration } from './iso-duration';
import type { MessageFilter } from './sql-filter';

/** Something attached to a subscription that takes messages: a receiver link of the AMQP server. */
export interface Consumer {
  /** How many messages it can take now. */
  credit(): number;
  /** Hands over one fully encoded AMQP message. */
  deliver(encoded: Buffer): void;
  /** Ends the link with an AMQP error. */
  detach(condition: string, description: string): void;
}

/** One stored message: its encoding and when it expires (ms since epoch). */
interface Stored {
  readonly encoded: Buffer;
  readonly expiresAt: number;
}

/** What the ATOM endpoint records about a subscription. */
export interface SubscriptionRecord {
  readonly topic: string;
  readonly name: string;
  readonly autoDeleteOnIdle: string;
  readonly defaultMessageTimeToLive: string;
  /** The SQL expression of the subscription's rule (`1=1`, the TrueFilter, unless it was created with one). */
  readonly sqlFilter: string;
  /** What that rule accepts. */
  readonly accepts: MessageFilter;
  readonly createdAt: Date;
}

class Subscription {
  readonly queue: Stored[] = [];
  readonly consumers: Consumer[] = [];
  private next = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly record: SubscriptionRecord,
    private readonly onIdleExpired: () => void,
  ) {
    this.armIdleTimer();
  }

  add(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.clearIdleTimer();
  }

  remove(consumer: Consumer): void {
    const at = this.consumers.indexOf(consumer);
    if (at >= 0) this.consumers.splice(at, 1);
    if (this.consumers.length === 0) this.armIdleTimer();
  }

  /** Delivers queued messages round-robin to consumers that have credit; drops expired ones. */
  pump(now = Date.now()): void {
    while (this.queue.length > 0) {
      const consumer = this.pickConsumer();
      if (!consumer) return;
      const stored = this.queue.shift() as Stored;
      if (stored.expiresAt > now) consumer.deliver(stored.encoded);
    }
  }

  dispose(): void {
    this.clearIdleTimer();
  }

  private pickConsumer(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const consumer = this.consumers[(this.next + i) % this.consumers.length] as Consumer;
      if (consumer.credit() > 0) {
        this.next = (this.next + i + 1) % this.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    const idleMs = parseIsoDuration(this.record.autoDeleteOnIdle);
    // Durations beyond a timer's range mean "never" (the service default is about 10675199 days).
    if (idleMs === undefined || idleMs > 2 ** 31 - 1) return;
    this.idleTimer = setTimeout(this.onIdleExpired, idleMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/** Events the store emits, for tests that await them. */
export interface EntityEvents {
  'subscription-created': [SubscriptionRecord];
  'subscription-deleted': [SubscriptionRecord, 'admin' | 'idle' | 'test'];
  'consumer-attached': [topic: string, subscription: string];
  'consumer-detached': [topic: string, subscription: string];
}

/** Topics and their subscriptions, with Service Bus fan-out: each topic message is copied to every subscription's queue. */
export class EntityStore extends EventEmitter<EntityEvents> {
  private readonly topics = new Map<string, Map<string, Subscription>>();

  constructor(
    topics: readonly string[],
    private readonly defaultTtlMs: number,
    private readonly createTopicsOnDemand: boolean,
  ) {
    super();
    for (const topic of topics) this.topics.set(topic.toLowerCase(), new Map());
  }

  /** Whether the topic exists; with `createTopicsOnDemand`, every topic asked about exists from then on. */
  hasTopic(topic: string): boolean {
    if (this.createTopicsOnDemand && !this.topics.has(topic.toLowerCase())) this.topics.set(topic.toLowerCase(), new Map());
    return this.topics.has(topic.toLowerCase());
  }

  /** The subscription's record, or `undefined` when it does not exist. */
  subscription(topic: string, name: string): SubscriptionRecord | undefined {
    return this.topics.get(topic.toLowerCase())?.get(name.toLowerCase())?.record;
  }

  /** Every subscription of a topic. */
  subscriptions(topic: string): SubscriptionRecord[] {
    return [...(this.topics.get(topic.toLowerCase())?.values() ?? [])].map((s) => s.record);
  }

  /** Creates a subscription; returns `undefined` when the topic does not exist or the subscription already does. */
  createSubscription(record: Omit<SubscriptionRecord, 'createdAt'>): SubscriptionRecord | undefined {
    this.hasTopic(record.topic);
    const subs = this.topics.get(record.topic.toLowerCase());
    if (!subs || subs.has(record.name.toLowerCase())) return undefined;
    const full: SubscriptionRecord = { ...record, createdAt: new Date() };
    subs.set(record.name.toLowerCase(), new Subscription(full, () => this.deleteSubscription(record.topic, record.name, 'idle')));
    this.emit('subscription-created', full);
    return full;
  }

  /** Deletes a subscription and detaches its receivers with `amqp:not-found`, as Service Bus does. */
  deleteSubscription(topic: string, name: string, why: 'admin' | 'idle' | 'test'): boolean {
    const subs = this.topics.get(topic.toLowerCase());
    const sub = subs?.get(name.toLowerCase());
    if (!subs || !sub) return false;
    subs.delete(name.toLowerCase());
    sub.dispose();
    for (const consumer of [...sub.consumers]) {
      consumer.detach('amqp:not-found', `The messaging entity '${topic}/Subscriptions/${name}' was deleted.`);
    }
    this.emit('subscription-deleted', sub.record, why);
    return true;
  }

  /** Attaches a consumer; `false` when the subscription does not exist. */
  attach(topic: string, name: string, consumer: Consumer): boolean {
    const sub = this.topics.get(topic.toLowerCase())?.get(name.toLowerCase());
    if (!sub) return false;
    sub.add(consumer);
    this.emit('consumer-attached', sub.record.topic, sub.record.name);
    sub.pump();
    return true;
  }

  /** Removes a consumer (its link closed); starts the idle timer when it was the last. */
  detach(topic: string, name: string, consumer: Consumer): void {
    const sub = this.topics.get(topic.toLowerCase())?.get(name.toLowerCase());
    if (!sub || !sub.consumers.includes(consumer)) return;
    sub.remove(consumer);
    this.emit('consumer-detached', sub.record.topic, sub.record.name);
  }

  /** Copies one message to every subscription of the topic whose rule accepts it, and delivers what can be delivered. */
  publish(topic: string, { encoded, ttlMs, properties }: IncomingTopicMessage): void {
    const subs = this.topics.get(topic.toLowerCase());
    if (!subs) return;
    const expiresAt = Date.now() + (ttlMs && ttlMs > 0 ? Math.min(ttlMs, this.defaultTtlMs) : this.defaultTtlMs);
    for (const sub of subs.values()) {
      if (!sub.record.accepts(properties)) continue;
      sub.queue.push({ encoded, expiresAt });
      sub.pump();
    }
  }

  /** Offers queued messages again, e.g. after a consumer was granted credit. */
  pump(topic: string, name: string): void {
    this.topics.get(topic.toLowerCase())?.get(name.toLowerCase())?.pump();
  }

  /** Stops every idle timer. */
  dispose(): void {
    for (const subs of this.topics.values()) for (const sub of subs.values()) sub.dispose();
  }
}
