import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { Cache, CachingService, diagnosticsChannelNames, InProcessSynchronization, LOAD_TRACING_CHANNEL, type LoadContext, MemoryBackend, PUBLISH_TRACING_CHANNEL, type PublishContext } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { deferred } from '../support/deferred';

/** Subscriptions made by a test, undone after it: the channels are process-wide. */
const undo: (() => void)[] = [];
afterEach(() => {
  for (const step of undo.splice(0)) step();
});

function listen(name: string): unknown[] {
  const messages: unknown[] = [];
  const subscriber = (message: unknown): void => void messages.push(message);
  subscribe(name, subscriber);
  undo.push(() => unsubscribe(name, subscriber));
  return messages;
}

/** Every event of a tracing channel, in order, as `[event, snapshot of the context]`. */
function trace<C extends object>(name: string): [string, C][] {
  const events: [string, C][] = [];
  const record = (event: string) => (context: C) => void events.push([event, { ...context }]);
  const handlers = { start: record('start'), end: record('end'), asyncStart: record('asyncStart'), asyncEnd: record('asyncEnd'), error: record('error') };
  const channel = tracingChannel<unknown, C>(name);
  channel.subscribe(handlers);
  undo.push(() => channel.unsubscribe(handlers));
  return events;
}

let service: CachingService;
beforeEach(() => {
  service = CachingService.create({ namespace: 'shop' });
});
afterEach(() => service.dispose());

class Catalogue {
  gate = deferred<void>();

  @Cache({ profile: 'default' })
  name(id: number): string {
    return `product ${id}`;
  }

  @Cache()
  async slow(id: number): Promise<string> {
    await this.gate.promise;
    return `slow ${id}`;
  }

  @Cache()
  async broken(): Promise<string> {
    throw new Error('database down');
  }
}

describe('diagnostics channels', () => {
  it("publish on cachet:<event> the very object the service's listeners get, with its origin", () => {
    const hits = listen(diagnosticsChannelNames.hit);
    const own: unknown[] = [];
    service.on('hit', (event) => own.push(event));
    const catalogue = service.bind(new Catalogue());
    catalogue.name(1);
    catalogue.name(1);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toBe(own[0]);
    expect(hits[0]).toEqual({ key: 'shop:Catalogue.name(1)', origin: { service, namespace: 'shop', className: 'Catalogue', methodName: 'name', profile: 'default' } });
  });

  it('reach a subscriber even when the service has no listener of its own', () => {
    const misses = listen('cachet:miss');
    const sets = listen('cachet:set');
    service.bind(new Catalogue()).name(2);
    expect([misses.length, sets.length]).toEqual([1, 1]);
  });

  it('report evictions by the backend bound', () => {
    const small = CachingService.create({ backend: new MemoryBackend({ maxEntries: 1 }) });
    const evictions = listen('cachet:evict');
    const catalogue = small.bind(new Catalogue());
    catalogue.name(1);
    catalogue.name(2);
    expect(evictions).toEqual([expect.objectContaining({ key: 'cachet:Catalogue.name(1)', reason: 'capacity' })]);
    return small.dispose();
  });
});

describe('the cachet:load tracing channel', () => {
  it('traces a synchronous load as start and end; a hit is no load', () => {
    const events = trace<LoadContext>(LOAD_TRACING_CHANNEL);
    const catalogue = service.bind(new Catalogue());
    catalogue.name(1);
    catalogue.name(1);
    expect(events.map(([event]) => event)).toEqual(['start', 'end']);
    expect(events[1]?.[1]).toEqual({ origin: expect.objectContaining({ className: 'Catalogue', methodName: 'name' }), key: 'shop:Catalogue.name(1)', cause: 'miss', fenced: false, async: false });
  });

  it('traces an async load until it settles, once for every caller that joins it, and says when it was fenced', async () => {
    const events = trace<LoadContext>(LOAD_TRACING_CHANNEL);
    const catalogue = service.bind(new Catalogue());
    const [first, joined] = [catalogue.slow(1), catalogue.slow(1)];
    expect(events.map(([event]) => event)).toEqual(['start', 'end']);
    await service.invalidate(() => catalogue.slow(1));
    catalogue.gate.resolve();
    await Promise.all([first, joined]);
    expect(events.map(([event]) => event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(events[3]?.[1]).toEqual(expect.objectContaining({ cause: 'miss', fenced: true }));
  });

  it('publishes a failed load on error, and a refresh with its cause', async () => {
    const events = trace<LoadContext>(LOAD_TRACING_CHANNEL);
    const catalogue = service.bind(new Catalogue());
    await expect(catalogue.broken()).rejects.toThrow('database down');
    expect(events.map(([event]) => event)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect((events[2]?.[1].error as Error).message).toBe('database down');
    events.length = 0;
    await service.refresh(() => catalogue.name(3));
    expect(events.map(([event, context]) => [event, context.cause])).toEqual([
      ['start', 'refresh'],
      ['end', 'refresh'],
    ]);
  });
});

describe('the bus on diagnostics channels', () => {
  it('traces each publish, reports messages received by kind, and stamps remote invalidations with their send time', async () => {
    const bus = new InProcessSynchronization();
    const sender = CachingService.create({ namespace: 'shop', synchronization: { transport: bus, heartbeatIntervalMs: 0 } });
    const receiver = CachingService.create({ namespace: 'shop', synchronization: { transport: bus, heartbeatIntervalMs: 0 } });
    await Promise.all([sender.initialize(), receiver.initialize()]);
    const publishes = trace<PublishContext>(PUBLISH_TRACING_CHANNEL);
    const received = listen('cachet:message-received');
    const applied = nextEvent(receiver, 'invalidate');
    const before = Date.now();
    await sender.invalidate('k');
    const event = await applied;
    expect(event).toEqual(expect.objectContaining({ source: 'remote', keys: ['shop:k'] }));
    expect(event.sentAt).toBeGreaterThanOrEqual(before);
    expect(event.sentAt).toBeLessThanOrEqual(Date.now());
    expect(publishes.map(([name, context]) => [name, context])).toEqual([
      ['start', { namespace: 'shop', transport: 'in-process', kind: 'invalidation' }],
      ['end', { namespace: 'shop', transport: 'in-process', kind: 'invalidation' }],
      ['asyncStart', expect.objectContaining({ kind: 'invalidation' })],
      ['asyncEnd', expect.objectContaining({ kind: 'invalidation' })],
    ]);
    expect(received).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'invalidation', origin: expect.objectContaining({ service: receiver }) }), expect.objectContaining({ kind: 'echo', origin: expect.objectContaining({ service: sender }) })]),
    );
    await Promise.all([sender.dispose(), receiver.dispose()]);
  });
});
