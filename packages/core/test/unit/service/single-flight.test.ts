import { Cache } from '@cachet/core';
import { type Deferred, deferred } from '../support/deferred';
import { useFreshDefaultService } from '../support/fresh-default-service';

const fresh = useFreshDefaultService();

/** A cached async method whose every run waits on a deferred the test settles. */
class Loader {
  readonly runs: Deferred<unknown>[] = [];

  @Cache()
  load(id: number): Promise<unknown> {
    const run = deferred<unknown>();
    this.runs.push(run);
    return run.promise;
  }
}

/** The run the method started most recently. */
function lastRun(loader: Loader): Deferred<unknown> {
  const run = loader.runs.at(-1);
  if (run === undefined) throw new Error('the method has not run');
  return run;
}

describe('single flight', () => {
  it('runs concurrent misses of one key once and gives every caller its result', async () => {
    const loader = new Loader();
    const callers = [loader.load(1), loader.load(1), new Loader().load(1)];
    expect(loader.runs).toHaveLength(1);
    const value = { id: 1 };
    lastRun(loader).resolve(value);
    const results = await Promise.all(callers);
    expect(results).toEqual([value, value, value]);
    expect(results[2]).toBe(value);
    await expect(loader.load(1)).resolves.toBe(value);
    expect(loader.runs).toHaveLength(1);
  });

  it('runs concurrent misses of different keys separately', () => {
    const loader = new Loader();
    void loader.load(1);
    void loader.load(2);
    expect(loader.runs).toHaveLength(2);
    for (const run of loader.runs) run.resolve(undefined);
  });

  it('delivers a rejection to every waiter and never caches it', async () => {
    const loader = new Loader();
    const callers = [loader.load(1), loader.load(1)];
    lastRun(loader).reject(new Error('database down'));
    const settled = await Promise.allSettled(callers);
    expect(settled.map((each) => each.status)).toEqual(['rejected', 'rejected']);
    expect(settled.map((each) => (each as PromiseRejectedResult).reason.message)).toEqual(['database down', 'database down']);

    const retry = loader.load(1);
    expect(loader.runs).toHaveLength(2);
    lastRun(loader).resolve('recovered');
    await expect(retry).resolves.toBe('recovered');
    expect(fresh.service.stats().entries).toBe(1);
  });

  it('caches undefined and null resolved by a promise', async () => {
    const loader = new Loader();
    const first = loader.load(1);
    lastRun(loader).resolve(undefined);
    await expect(first).resolves.toBeUndefined();
    const second = loader.load(2);
    lastRun(loader).resolve(null);
    await expect(second).resolves.toBeNull();
    await expect(loader.load(1)).resolves.toBeUndefined();
    await expect(loader.load(2)).resolves.toBeNull();
    expect(loader.runs).toHaveLength(2);
  });

  it('gives each waiter its own clone with `clone: true`', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class Cloning {
      runs = 0;

      @Cache({ clone: true })
      async list(): Promise<string[]> {
        this.runs++;
        await gate;
        return ['a'];
      }
    }
    const cloning = new Cloning();
    const callers = [cloning.list(), cloning.list()];
    release();
    const [first, second] = await Promise.all(callers);
    expect(first).toEqual(['a']);
    expect(second).toEqual(['a']);
    expect(first).not.toBe(second);
    expect(cloning.runs).toBe(1);
  });

  it('shares one factory run between concurrent getOrSet callers', async () => {
    const run = deferred<string>();
    let runs = 0;
    const factory = (): Promise<string> => {
      runs++;
      return run.promise;
    };
    const callers = [fresh.service.getOrSet('k', factory), fresh.service.getOrSet('k', factory), fresh.service.getOrSet('k', factory)];
    run.resolve('value');
    await expect(Promise.all(callers)).resolves.toEqual(['value', 'value', 'value']);
    expect(runs).toBe(1);
  });

  it('delivers a getOrSet factory rejection to every waiter and caches nothing', async () => {
    const run = deferred<string>();
    const callers = [fresh.service.getOrSet('k', () => run.promise), fresh.service.getOrSet('k', () => run.promise)];
    run.reject(new Error('boom'));
    await expect(callers[0]).rejects.toThrow('boom');
    await expect(callers[1]).rejects.toThrow('boom');
    await expect(fresh.service.getOrSet('k', () => 'fresh')).resolves.toBe('fresh');
  });
});
