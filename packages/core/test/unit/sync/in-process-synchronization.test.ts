import { InProcessSynchronization } from '@cachet/core';
import { describeTransportConformance } from '@cachet/core/testing';

const buses = new Map<string, InProcessSynchronization>();

describeTransportConformance('InProcessSynchronization', {
  createTransport: (name) => {
    let bus = buses.get(name);
    if (bus === undefined) {
      bus = new InProcessSynchronization();
      buses.set(name, bus);
    }
    return bus;
  },
  afterEach: () => buses.clear(),
  timeoutMs: 1000,
});

describe('InProcessSynchronization', () => {
  it('delivers asynchronously, never within publish', async () => {
    const bus = new InProcessSynchronization();
    const received: string[] = [];
    const connection = await bus.connect({ message: (payload) => received.push(payload), down: () => undefined, up: () => undefined });
    const published = connection.publish('x');
    expect(received).toEqual([]);
    await published;
    await Promise.resolve();
    expect(received).toEqual(['x']);
    await connection.close();
  });

  it('refuses to publish on a closed connection and stops delivering to it', async () => {
    const bus = new InProcessSynchronization();
    const received: string[] = [];
    const closed = await bus.connect({ message: (payload) => received.push(payload), down: () => undefined, up: () => undefined });
    const open = await bus.connect({ message: () => undefined, down: () => undefined, up: () => undefined });
    await closed.close();
    await expect(closed.publish('x')).rejects.toThrow(/closed/);
    await open.publish('y');
    await Promise.resolve();
    expect(received).toEqual([]);
    await open.close();
  });
});
