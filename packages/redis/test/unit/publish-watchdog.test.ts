import { PublishWatchdog } from '../../src/publish-watchdog';

describe('PublishWatchdog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watchdog(timeoutMs = 1_000) {
    const stalls: number[] = [];
    return { dog: new PublishWatchdog(timeoutMs, () => stalls.push(Date.now())), stalls };
  }

  it('reports nothing while publishes are answered, and holds no timer once all are', () => {
    const { dog, stalls } = watchdog();
    for (let i = 0; i < 5; i++) {
      dog.sent();
      jest.advanceTimersByTime(300);
      dog.answered();
    }
    jest.advanceTimersByTime(5_000);
    expect(stalls).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports a publish left unanswered, between one and two timeouts after it was sent', () => {
    const { dog, stalls } = watchdog();
    const start = Date.now();
    dog.sent(); // arms the check
    dog.answered();
    jest.advanceTimersByTime(500);
    dog.sent(); // never answered: sent half a timeout after the check was armed
    jest.advanceTimersByTime(999);
    expect(stalls).toEqual([]);
    jest.advanceTimersByTime(1_001);
    expect(stalls).toEqual([start + 2_000]);
  });

  it('reports once per stall, and checks again from the next publish', () => {
    const { dog, stalls } = watchdog();
    dog.sent();
    jest.advanceTimersByTime(1_000);
    expect(stalls).toHaveLength(1);
    jest.advanceTimersByTime(10_000);
    expect(stalls).toHaveLength(1);
    dog.answered(); // the stalled publish failed
    dog.sent();
    jest.advanceTimersByTime(1_000);
    expect(stalls).toHaveLength(2);
  });

  it('stops checking when stopped', () => {
    const { dog, stalls } = watchdog();
    dog.sent();
    dog.stop();
    jest.advanceTimersByTime(5_000);
    expect(stalls).toEqual([]);
  });
});
