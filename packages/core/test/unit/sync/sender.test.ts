import type { Invalidation } from '../../../src/sync/envelope';
import { decodeEnvelope, encodeEnvelope, envelopeOverheadBytes } from '../../../src/sync/envelope-codec';
import { type OutgoingMessage, Sender, type SenderSettings } from '../../../src/sync/sender';
import { realScheduler, type Scheduler } from '../../../src/sync/scheduler';
import { ManualScheduler } from '../../../src/testing/manual-scheduler';
import { type Deferred, deferred, flushMicrotasks } from '../support/deferred';

const NAMESPACE = 'shop';
const SENDER = 'instance-1';

/** One call of the queue's `send` hook, settled by the test (or at once, depending on the mode). */
interface SendCall {
  readonly message: OutgoingMessage;
  readonly batch: Invalidation | 'heartbeat';
  readonly settle: Deferred<void>;
}

/** Drives a Sender with real envelopes and a transport the test controls. */
class Harness {
  readonly sends: SendCall[] = [];
  readonly accepted: number[] = [];
  readonly failures: { error: unknown; attempts: number }[] = [];
  /** `manual`: each send waits for the test; `accept`/`reject`: settles at once. */
  mode: 'manual' | 'accept' | 'reject' = 'manual';
  maxPayloadBytes = 64 * 1024;
  private sequence = 0;
  private readonly batches = new Map<number, Invalidation | 'heartbeat'>();
  readonly queue: Sender;

  constructor(settings: Partial<SenderSettings> = {}, scheduler: Scheduler = frozenClock) {
    this.queue = new Sender(
      {
        maxPayloadBytes: () => this.maxPayloadBytes,
        overheadBytes: envelopeOverheadBytes(NAMESPACE, SENDER),
        maxPendingItems: 1000,
        attempts: 3,
        initialRetryDelayMs: 100,
        maxRetryDelayMs: 250,
        ...settings,
      },
      {
        encode: (batch) => {
          const sequence = ++this.sequence;
          this.batches.set(sequence, batch);
          const payload = batch === 'heartbeat'
            ? encodeEnvelope({ namespace: NAMESPACE, sender: SENDER, sequence, keys: [], dependencies: [], all: false, heartbeat: true })
            : encodeEnvelope({ namespace: NAMESPACE, sender: SENDER, sequence, ...batch, heartbeat: false });
          return { payload, sequence, kind: batch === 'heartbeat' ? 'heartbeat' : 'invalidation' };
        },
        send: (message) => {
          const settle = deferred();
          this.sends.push({ message, batch: this.batches.get(message.sequence) as Invalidation | 'heartbeat', settle });
          if (this.mode === 'accept') settle.resolve();
          if (this.mode === 'reject') settle.reject(new Error(`bus refused message ${message.sequence}`));
          return settle.promise;
        },
        accepted: (message) => this.accepted.push(message.sequence),
        failed: (error, attempts) => {
          this.failures.push({ error, attempts });
          return new Error('given up');
        },
      },
      scheduler,
    );
  }

  /** How many messages the queue has encoded so far. */
  get encodedCount(): number {
    return this.sequence;
  }

  /** The invalidations carried by every send so far, decoded from the bytes. */
  get sentInvalidations(): Invalidation[] {
    return this.sends.map(({ message }) => {
      const decoded = decodeEnvelope(message.payload);
      if (!decoded.ok) throw new Error(`the queue sent an undecodable payload (${decoded.reason})`);
      const { keys, dependencies, all } = decoded.envelope;
      return { keys, dependencies, all };
    });
  }

  /** Accepts every send, including the ones this makes, until the queue has nothing left. */
  async acceptAll(): Promise<void> {
    while (!this.queue.idle) {
      for (const send of this.sends) send.settle.resolve();
      await flushMicrotasks();
    }
  }

  /** Settles the latest send and lets the queue move on. */
  async acceptLatest(): Promise<void> {
    this.sends.at(-1)?.settle.resolve();
    await flushMicrotasks();
  }
}

/** Real timers, with a clock that stands still: a burst pushed in a loop is never overdue. */
const frozenClock: Scheduler = { ...realScheduler, now: () => 0 };

const keys = (...items: string[]): Invalidation => ({ keys: items, dependencies: [], all: false });
const tags = (...items: string[]): Invalidation => ({ keys: [], dependencies: items, all: false });
const CLEAR: Invalidation = { keys: [], dependencies: [], all: true };

function upHarness(settings: Partial<SenderSettings> = {}, scheduler?: Scheduler): Harness {
  const harness = new Harness(settings, scheduler);
  harness.queue.setLinkUp(true);
  return harness;
}

/** `count` keys pushed one by one (payloads of at most 300 bytes) while a lone `first` is in flight. */
function burstBehindALoneSend(count: number, scheduler?: Scheduler): { harness: Harness; names: string[] } {
  const harness = upHarness({ maxPendingItems: 100_000 }, scheduler);
  harness.maxPayloadBytes = 300;
  harness.queue.push(keys('first'));
  const names = Array.from({ length: count }, (_, i) => `shop:Catalogue.getProduct(${i})`);
  for (const name of names) harness.queue.push(keys(name));
  return { harness, names };
}

describe('Sender', () => {
  it('sends a lone invalidation at once, synchronously within push (no added latency)', () => {
    const harness = upHarness();
    harness.queue.push(keys('a'));
    expect(harness.sentInvalidations).toEqual([keys('a')]);
  });

  it('sends a lone invalidation deduplicated and under maxPayloadBytes, however many items it names', () => {
    const repeated = upHarness();
    repeated.queue.push({ keys: ['a', 'b', 'a'], dependencies: ['t', 't'], all: false });
    expect(repeated.sentInvalidations).toEqual([{ keys: ['a', 'b'], dependencies: ['t'], all: false }]);

    const large = upHarness();
    large.maxPayloadBytes = 300;
    const names = Array.from({ length: 12 }, (_, i) => `shop:Catalogue.getProduct(${i})`);
    large.queue.push(keys(...names));
    const [first] = large.sends;
    expect(Buffer.byteLength(first?.message.payload ?? '')).toBeLessThanOrEqual(300);
    expect(large.sentInvalidations[0]?.keys).toEqual(names.slice(0, large.sentInvalidations[0]?.keys.length));
  });

  it('under load, coalesces what arrives while a send is in flight into one deduplicated batch', async () => {
    const harness = upHarness();
    harness.queue.push(keys('a'));
    harness.queue.push(keys('b', 'c'));
    harness.queue.push(keys('b'));
    harness.queue.push(tags('t1', 't2'));
    harness.queue.push({ keys: ['c', 'd'], dependencies: ['t1'], all: false });
    await flushMicrotasks();
    expect(harness.sends).toHaveLength(1);

    await harness.acceptLatest();
    expect(harness.sentInvalidations).toEqual([keys('a'), { keys: ['b', 'c', 'd'], dependencies: ['t1', 't2'], all: false }]);
    await harness.acceptLatest();
    expect(harness.sends).toHaveLength(2);
    expect(harness.accepted).toEqual([1, 2]);
    expect(!harness.queue.idle).toBe(false);
  });

  it('lets a clear supersede pending keys and the keys pushed after it', async () => {
    const harness = upHarness();
    harness.queue.push(keys('a'));
    harness.queue.push(keys('b'));
    harness.queue.push(tags('t'));
    harness.queue.push(CLEAR);
    harness.queue.push(keys('c'));
    await harness.acceptLatest();
    await harness.acceptLatest();
    expect(harness.sentInvalidations).toEqual([keys('a'), CLEAR]);
  });

  it('sends keys pushed after a clear went out', async () => {
    const harness = upHarness();
    harness.queue.push(CLEAR);
    harness.queue.push(keys('a'));
    await harness.acceptLatest();
    await harness.acceptLatest();
    expect(harness.sentInvalidations).toEqual([CLEAR, keys('a')]);
  });

  it('cuts a large backlog into batches under maxPayloadBytes, losing and repeating nothing', async () => {
    const harness = upHarness();
    harness.mode = 'accept';
    harness.maxPayloadBytes = 300;
    harness.queue.setLinkUp(false);
    const expectedKeys = Array.from({ length: 100 }, (_, i) => `shop:Catalogue.getProduct(${i})`);
    const expectedTags = Array.from({ length: 40 }, (_, i) => `product:${i}`);
    for (const key of expectedKeys) harness.queue.push(keys(key));
    for (const tag of expectedTags) harness.queue.push(tags(tag));
    harness.queue.setLinkUp(true);
    await harness.queue.drain();
    expect(harness.sends.length).toBeGreaterThan(1);
    for (const { message } of harness.sends) expect(Buffer.byteLength(message.payload)).toBeLessThanOrEqual(300);
    const sent = harness.sentInvalidations;
    expect(sent.flatMap((batch) => batch.keys)).toEqual(expectedKeys);
    expect(sent.flatMap((batch) => batch.dependencies)).toEqual(expectedTags);
  });

  it('while a send is in flight, sends each full batch of a burst at once (up to 256 in flight), and the rest as messages settle', async () => {
    const { harness, names } = burstBehindALoneSend(3_000);
    // Nothing has settled (no reply is read while a synchronous loop runs): 256 messages are out, the rest waits.
    expect(harness.encodedCount).toBe(256);
    for (const { message } of harness.sends) expect(Buffer.byteLength(message.payload)).toBeLessThanOrEqual(300);
    await harness.acceptAll();
    expect(harness.encodedCount).toBeGreaterThan(257);
    expect(harness.encodedCount).toBe(harness.sends.length);
    expect(harness.sentInvalidations.slice(1).flatMap((invalidation) => invalidation.keys)).toEqual(names);
    expect(harness.accepted).toHaveLength(harness.sends.length);
  });

  it('cuts a burst into batches of at most 64 KiB when the transport allows more, so other instances apply it in pieces', async () => {
    const harness = upHarness({ maxPendingItems: 100_000 });
    harness.maxPayloadBytes = 512 * 1024;
    harness.queue.push(keys('first'));
    const names = Array.from({ length: 20_000 }, (_, i) => `shop:Catalogue.getProduct(${i})`);
    for (const name of names) harness.queue.push(keys(name));
    // Each batch leaves as soon as it is full, while the burst is still being pushed.
    expect(harness.sends.length).toBeGreaterThan(5);
    await harness.acceptAll();
    const sizes = harness.sends.map(({ message }) => Buffer.byteLength(message.payload));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(64 * 1024);
    expect(Math.max(...sizes)).toBeGreaterThan(60 * 1024);
    expect(harness.sentInvalidations.slice(1).flatMap((invalidation) => invalidation.keys)).toEqual(names);
  });

  it('while messages are in flight, sends a batch once its oldest item has waited 2 ms, at the next push', async () => {
    const scheduler = new ManualScheduler();
    const harness = upHarness({}, scheduler);
    harness.queue.push(keys('first'));
    harness.queue.push(keys('a'));
    await scheduler.advance(1);
    harness.queue.push(keys('b'));
    expect(harness.sends).toHaveLength(1);
    await scheduler.advance(1);
    harness.queue.push(keys('c'));
    expect(harness.sentInvalidations).toEqual([keys('first'), keys('a', 'b', 'c')]);
  });

  it('sends a full batch that failed again after its backoff, and nothing newer meanwhile', async () => {
    const scheduler = new ManualScheduler();
    const { harness, names } = burstBehindALoneSend(30, scheduler);
    const refused = harness.sends[2] as SendCall;
    refused.settle.reject(new Error('bus refused a full batch'));
    for (const send of harness.sends) if (send !== refused) send.settle.resolve();
    await flushMicrotasks();
    const sentBeforeBackoff = harness.sends.length;
    expect(harness.sends.filter((send) => send.message === refused.message)).toHaveLength(1);
    await scheduler.advance(100); // initialRetryDelayMs
    expect(harness.sends[sentBeforeBackoff]?.message).toBe(refused.message);
    await harness.acceptAll();
    const delivered = harness.sentInvalidations.flatMap((invalidation) => invalidation.keys);
    expect([...new Set(delivered)].filter((key) => key !== 'first').sort()).toEqual([...names].sort());
    expect(harness.failures).toEqual([]);
  });

  it('keeps batches under maxPayloadBytes when keys and tags hold characters JSON escapes', async () => {
    const harness = upHarness();
    harness.mode = 'accept';
    harness.maxPayloadBytes = 300;
    harness.queue.setLinkUp(false);
    for (let i = 0; i < 60; i++) harness.queue.push(tags(`${'\u0001'.repeat(12)}${i}`));
    harness.queue.setLinkUp(true);
    await harness.queue.drain();
    for (const { message } of harness.sends) expect(Buffer.byteLength(message.payload)).toBeLessThanOrEqual(300);
  });

  it('collapses a backlog beyond maxPendingItems into one clear', async () => {
    const harness = upHarness({ maxPendingItems: 5 });
    harness.queue.push(keys('in flight'));
    harness.queue.push(keys('a', 'b', 'c'));
    harness.queue.push(tags('t1', 't2', 't3'));
    harness.queue.push(keys('d'));
    await harness.acceptLatest();
    await harness.acceptLatest();
    expect(harness.sentInvalidations).toEqual([keys('in flight'), CLEAR]);
  });

  it('sends a push made at any moment after an in-flight send settled', async () => {
    // The queue's loop ends a few microtasks after the send settles; a push in between must not be stranded.
    for (let ticks = 0; ticks < 12; ticks++) {
      const harness = upHarness();
      harness.queue.push(keys('first'));
      harness.sends[0]?.settle.resolve();
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      harness.queue.push(keys('second'));
      await flushMicrotasks();
      harness.sends.at(-1)?.settle.resolve();
      await harness.queue.drain();
      expect({ ticks, sent: harness.sentInvalidations }).toEqual({ ticks, sent: [keys('first'), keys('second')] });
    }
  });

  describe('retries (fake timers)', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('retries a failed send with exponential backoff and reports it after `attempts`', async () => {
      const harness = upHarness({ attempts: 4, initialRetryDelayMs: 100, maxRetryDelayMs: 250 });
      harness.mode = 'reject';
      harness.queue.push(keys('a'));
      await flushMicrotasks();
      const attemptsAfter = async (ms: number): Promise<number> => {
        await jest.advanceTimersByTimeAsync(ms);
        return harness.sends.length;
      };
      expect(harness.sends).toHaveLength(1);
      expect(await attemptsAfter(99)).toBe(1);
      expect(await attemptsAfter(1)).toBe(2); // 100 ms
      expect(await attemptsAfter(199)).toBe(2);
      expect(await attemptsAfter(1)).toBe(3); // 200 ms
      expect(await attemptsAfter(249)).toBe(3);
      expect(await attemptsAfter(1)).toBe(4); // capped at 250 ms
      expect(harness.failures).toHaveLength(1);
      expect(harness.failures[0]?.attempts).toBe(4);
      expect(String(harness.failures[0]?.error)).toContain('bus refused message 1');
      expect(await attemptsAfter(10_000)).toBe(4);
      expect(!harness.queue.idle).toBe(false);
    });

    it('moves on to the next message after giving one up, and succeeds once the bus accepts again', async () => {
      const harness = upHarness({ attempts: 2 });
      harness.mode = 'reject';
      harness.queue.push(keys('doomed'));
      harness.queue.push(keys('next'));
      await jest.advanceTimersByTimeAsync(100);
      expect(harness.failures).toHaveLength(1);
      harness.mode = 'accept';
      await jest.advanceTimersByTimeAsync(100);
      await harness.queue.drain();
      expect(harness.sentInvalidations.at(-1)).toEqual(keys('next'));
      expect(harness.accepted).toHaveLength(1);
    });

    it('attempts nothing while the link is down, and sends what waited (deduplicated) once it is up', async () => {
      const harness = new Harness();
      harness.mode = 'accept';
      for (let i = 0; i < 50; i++) harness.queue.push(keys('a', `k${i % 5}`));
      await jest.advanceTimersByTimeAsync(60_000);
      expect(harness.sends).toHaveLength(0);
      harness.queue.setLinkUp(true);
      await harness.queue.drain();
      // The first push was encoded before the queue saw the link down; everything after it coalesced.
      const sent = harness.sentInvalidations;
      expect(sent.length).toBeLessThanOrEqual(2);
      expect(new Set(sent.flatMap((batch) => batch.keys))).toEqual(new Set(['a', 'k0', 'k1', 'k2', 'k3', 'k4']));
      expect(harness.failures).toHaveLength(0);
    });

    it('stops retrying when the link goes down mid-retry, without burning attempts, and resumes when it is up', async () => {
      const harness = upHarness({ attempts: 2 });
      harness.mode = 'reject';
      harness.queue.push(keys('a'));
      await flushMicrotasks();
      expect(harness.sends).toHaveLength(1);
      harness.queue.setLinkUp(false);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(harness.sends.length).toBeLessThanOrEqual(2);
      expect(harness.failures).toHaveLength(0);
      harness.mode = 'accept';
      harness.queue.setLinkUp(true);
      await harness.queue.drain();
      expect(harness.failures).toHaveLength(0);
      expect(harness.accepted).toEqual([1]);
    });
  });

  it('drain resolves once everything queued was sent', async () => {
    const harness = upHarness();
    harness.queue.push(keys('a'));
    harness.queue.push(keys('b'));
    let drained = false;
    const draining = harness.queue.drain().then(() => (drained = true));
    await flushMicrotasks();
    expect(drained).toBe(false);
    await harness.acceptLatest();
    expect(drained).toBe(false);
    await harness.acceptLatest();
    await draining;
    expect(harness.accepted).toEqual([1, 2]);
  });

  it('stop reports every message left (one failure per message) and ignores later pushes', async () => {
    const harness = new Harness({ maxPendingItems: 1000 });
    harness.maxPayloadBytes = 200;
    for (let i = 0; i < 20; i++) harness.queue.push(keys(`shop:Catalogue.getProduct(${i})`));
    const reason = new Error('disposed');
    harness.queue.stop(reason);
    expect(harness.sends).toHaveLength(0);
    expect(harness.failures.length).toBeGreaterThan(1);
    expect(harness.failures.every((failure) => failure.error === reason)).toBe(true);
    harness.queue.push(keys('late'));
    harness.queue.pushHeartbeat();
    await harness.queue.drain();
    expect(harness.sends).toHaveLength(0);
  });

  it('stop does not report the message being sent: the bus may still accept it', async () => {
    const harness = upHarness();
    harness.queue.push(keys('in flight'));
    harness.queue.push(keys('waiting'));
    harness.queue.stop(new Error('disposed'));
    expect(harness.failures).toHaveLength(1);
    await harness.acceptLatest();
    expect(harness.accepted).toEqual([1]);
  });

  it('turns a key too large for any message into a clear-all, which every instance can apply', async () => {
    const harness = upHarness();
    harness.maxPayloadBytes = 300;
    harness.queue.push(keys('first'));
    harness.queue.push(keys('small', 'x'.repeat(400)));
    await harness.acceptLatest();
    await harness.acceptLatest();
    expect(harness.sentInvalidations).toEqual([keys('first'), CLEAR]);
    expect(harness.failures).toEqual([]);
  });

  it('sends a heartbeat only when nothing else is waiting to go', async () => {
    const harness = upHarness();
    harness.queue.pushHeartbeat();
    expect(harness.sends.map((send) => send.batch)).toEqual(['heartbeat']);
    harness.queue.pushHeartbeat(); // one in flight already proves liveness
    harness.queue.push(keys('a'));
    harness.queue.pushHeartbeat();
    await harness.acceptLatest();
    await harness.acceptLatest();
    expect(harness.sends.map((send) => send.batch)).toEqual(['heartbeat', keys('a')]);
  });

  describe('confirmations', () => {
    const timedOut = (): Error => new Error('not accepted in time');

    it('times a burst of confirmations out at their deadlines with one timer, not one per invalidation', async () => {
      const scheduler = new ManualScheduler();
      const harness = upHarness({ maxPendingItems: 100_000 }, scheduler);
      harness.queue.push(keys('stuck')); // never settles: nothing after it is accepted
      const outcomes: string[] = [];
      const confirm = (name: string): void => {
        harness.queue.pushAndConfirm(keys(name), 5_000, timedOut).then(
          () => outcomes.push(`${name} accepted`),
          (error: unknown) => outcomes.push(`${name} ${(error as Error).message}`),
        );
      };
      for (let i = 0; i < 1_000; i++) confirm(`early${i}`);
      expect(scheduler.pending).toBe(1);
      await scheduler.advance(500);
      confirm('late');
      await scheduler.advance(4_499);
      expect(outcomes).toEqual([]);
      await scheduler.advance(1);
      expect(outcomes).toHaveLength(1_000);
      expect(outcomes.every((outcome) => outcome.endsWith('not accepted in time'))).toBe(true);
      await scheduler.advance(499);
      expect(outcomes).toHaveLength(1_000);
      await scheduler.advance(1);
      expect(outcomes.at(-1)).toBe('late not accepted in time');
      // What timed out stays queued and still goes out; answering it then changes nothing.
      await harness.acceptAll();
      expect(harness.sentInvalidations.flatMap((invalidation) => invalidation.keys)).toContain('late');
      expect(outcomes).toHaveLength(1_001);
    });

    it('resolves confirmations in order as their messages are accepted, and leaves no timer behind', async () => {
      const scheduler = new ManualScheduler();
      const harness = upHarness({}, scheduler);
      const accepted: string[] = [];
      const confirm = (name: string): Promise<void> => harness.queue.pushAndConfirm(keys(name), 5_000, timedOut).then(() => void accepted.push(name));
      const all = Promise.all([confirm('a'), confirm('b'), confirm('c')]);
      await harness.acceptLatest();
      expect(accepted).toEqual(['a']);
      await harness.acceptAll();
      await all;
      expect(accepted).toEqual(['a', 'b', 'c']);
      expect(scheduler.pending).toBe(0);
      await scheduler.advance(10_000);
      expect(accepted).toEqual(['a', 'b', 'c']);
    });
  });
});
