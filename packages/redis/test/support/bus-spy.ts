import { Redis } from 'ioredis';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from './redis-url';
import { disposeInstances } from './services';
import { waitFor } from './wait-for';

/**
 * A plain ioredis client on a cachet channel, next to the services under test: it records every message
 * the bus carries and publishes whatever a test forges, as any other client of the same Redis could.
 */
export class BusSpy {
  readonly messages: string[] = [];
  readonly #subscriber: Redis;
  readonly #publisher: Redis;
  readonly #wakers = new Set<() => void>();

  private constructor(
    url: string,
    readonly channel: string,
  ) {
    this.#subscriber = new Redis(url);
    this.#publisher = new Redis(url);
    this.#subscriber.on('message', (_channel: string, message: string) => {
      this.messages.push(message);
      for (const wake of [...this.#wakers]) wake();
    });
  }

  /** A spy subscribed to `channel`: it hears everything published from now on. */
  static async on(url: string, channel: string): Promise<BusSpy> {
    const spy = new BusSpy(url, channel);
    await spy.#subscriber.subscribe(channel);
    return spy;
  }

  /** Publishes `payload` on the channel, as an untrusted client would. */
  async publish(payload: string): Promise<void> {
    await this.#publisher.publish(this.channel, payload);
  }

  /** Resolves with the first message recorded from index `from` on that satisfies `predicate`. */
  async next(predicate: (message: string) => boolean, from = 0): Promise<string> {
    const find = (): string | undefined => this.messages.slice(from).find(predicate);
    await this.#until('a matching message on the bus', () => find() !== undefined);
    return find() as string;
  }

  /** Resolves once `count` messages have been recorded. */
  heard(count: number): Promise<void> {
    return this.#until(`${count} messages on the bus`, () => this.messages.length >= count);
  }

  #until(description: string, condition: () => boolean): Promise<void> {
    return waitFor(description, condition, (wake) => {
      this.#wakers.add(wake);
      return () => this.#wakers.delete(wake);
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#subscriber.quit(), this.#publisher.quit()]);
  }
}

/** What {@link useSpiedChannel} gives each test. */
export interface SpiedChannel {
  /** A channel of its own. */
  readonly channel: string;
  /** A plain subscriber on that channel. */
  readonly spy: BusSpy;
  /** The services' shared data: `sku-1` in stock at 1 when the test starts. */
  readonly store: Map<string, number>;
}

/**
 * Registers the hooks of a test file that watches its services' bus: each test gets a fresh channel, a spy
 * on it and the store; afterwards its services are disposed and the spy closed.
 */
export function useSpiedChannel(prefix: string): SpiedChannel {
  const context = { channel: '', spy: undefined as unknown as BusSpy, store: new Map<string, number>() };
  beforeAll(() => assertRedisReachable());
  beforeEach(async () => {
    context.channel = uniqueChannel(prefix);
    context.spy = await BusSpy.on(REDIS_URL, context.channel);
    context.store.clear();
    context.store.set('sku-1', 1);
  });
  afterEach(async () => {
    await disposeInstances();
    await context.spy.close();
  });
  return context;
}
