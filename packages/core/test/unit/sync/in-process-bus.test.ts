import { InProcessBus } from '@cachet/core';
import { describeTransportConformance } from '@cachet/core/testing';

const buses = new Map<string, InProcessBus>();

describeTransportConformance('InProcessBus', {
  createTransport: (name) => {
    let bus = buses.get(name);
    if (bus === undefined) {
      bus = new InProcessBus();
      buses.set(name, bus);
    }
    return bus;
  },
  afterEach: () => buses.clear(),
  timeoutMs: 1000,
});

describe('InProcessBus', () => {
  it('delivers asynchronously, never within publish', async () => {
    const bus = new InProcessBus();
    const received: string[] = [];
    const connection = await bus.connect({ message: (payload) => received.push(Buffer.from(payload).toString()), down: () => undefined, up: () => undefined });
    const published = connection.publish(Buffer.from('x'));
    expect(received).toEqual([]);
    await published;
    await Promise.resolve();
    expect(received).toEqual(['x']);
    await connection.close();
  });

  it('delivers a copy: the publisher may reuse its buffer at once', async () => {
    const bus = new InProcessBus();
    const received: Uint8Array[] = [];
    const connection = await bus.connect({ message: (payload) => received.push(payload), down: () => undefined, up: () => undefined });
    const buffer = Buffer.from('abc');
    await connection.publish(buffer);
    buffer.fill(0);
    await Promise.resolve();
    expect(Buffer.from(received[0] as Uint8Array).toString()).toBe('abc');
    await connection.close();
  });

  it('refuses to publish on a closed connection and stops delivering to it', async () => {
    const bus = new InProcessBus();
    const received: Uint8Array[] = [];
    const closed = await bus.connect({ message: (payload) => received.push(payload), down: () => undefined, up: () => undefined });
    const open = await bus.connect({ message: () => undefined, down: () => undefined, up: () => undefined });
    await closed.close();
    await expect(closed.publish(Buffer.from('x'))).rejects.toThrow(/closed/);
    await open.publish(Buffer.from('y'));
    await Promise.resolve();
    expect(received).toEqual([]);
    await open.close();
  });
});
