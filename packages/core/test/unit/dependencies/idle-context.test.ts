import { AsyncLocalStorage } from 'node:async_hooks';
import { Cache, CachingService } from '@cachet/core';

class Catalogue {
  loads = 0;
  gate: Promise<void> | undefined;

  @Cache({ tags: (id: number) => [`product:${id}`] })
  async getPrice(id: number): Promise<number> {
    this.loads++;
    await this.gate;
    return id * 10;
  }

  @Cache()
  async getTotal(a: number, b: number): Promise<number> {
    this.loads++;
    await Promise.resolve();
    return (await this.getPrice(a)) + (await this.getPrice(b));
  }
}

/** Lets the event loop turn once: the storage is disabled there, not within the microtasks of a load. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('the dependency context when no load is running', () => {
  let service: CachingService;
  let catalogue: Catalogue;

  // Observed, not replaced: on Node 20 an enabled AsyncLocalStorage costs every await of the process.
  let disable: jest.SpiedFunction<AsyncLocalStorage<unknown>['disable']>;
  let run: jest.SpiedFunction<AsyncLocalStorage<unknown>['run']>;

  beforeEach(async () => {
    disable = jest.spyOn(AsyncLocalStorage.prototype, 'disable');
    run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    service = CachingService.create();
    await service.initialize();
    catalogue = service.bind(new Catalogue());
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await service.dispose();
  });

  it('is disabled once the last load has ended and the event loop turned, and hits do not enter it again', async () => {
    await catalogue.getTotal(1, 2);
    await nextMacrotask();
    expect(disable).toHaveBeenCalledTimes(1);
    const runs = run.mock.calls.length;
    await catalogue.getTotal(1, 2);
    await catalogue.getPrice(1);
    expect(catalogue.loads).toBe(3);
    expect(run.mock.calls.length).toBe(runs);
  });

  it('stays enabled while a load is running', async () => {
    let open!: () => void;
    catalogue.gate = new Promise<void>((resolve) => (open = resolve));
    const first = catalogue.getPrice(1);
    catalogue.gate = undefined;
    await catalogue.getPrice(2);
    expect(disable).not.toHaveBeenCalled();
    await nextMacrotask();
    expect(disable).not.toHaveBeenCalled();
    open();
    await first;
    await nextMacrotask();
    expect(disable).toHaveBeenCalledTimes(1);
  });

  it('is switched once for an awaited loop of misses, not once per miss', async () => {
    for (let id = 0; id < 100; id++) await catalogue.getPrice(id);
    expect(disable).not.toHaveBeenCalled();
    await nextMacrotask();
    expect(disable).toHaveBeenCalledTimes(1);
    expect(catalogue.loads).toBe(100);
  });

  it('tracks dependencies again when the next load starts', async () => {
    await catalogue.getPrice(1);
    await nextMacrotask();
    expect(disable).toHaveBeenCalledTimes(1);
    // getPrice(1) is a hit inside a new load, getPrice(2) a miss: both must reach getTotal's entry.
    expect(await catalogue.getTotal(1, 2)).toBe(30);
    await service.invalidateTags('product:1');
    expect(await catalogue.getTotal(1, 2)).toBe(30);
    expect(catalogue.loads).toBe(5);
    await service.invalidateTags('product:2');
    await catalogue.getTotal(1, 2);
    expect(catalogue.loads).toBe(7);
  });
});
