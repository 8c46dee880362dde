import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SecondLevelCache, SecondLevelEntry, SecondLevelHit, VersionStamp } from '../backends/second-level-cache';

/** How the conformance suite gets stores of the implementation under test. */
export interface SecondLevelConformanceOptions {
  /** Names the suite, such as `RedisL2`. */
  readonly name: string;
  /**
   * A new client of the store under test. Clients created for one run share their data, as instances of
   * an application share one server: the suite opens each with a namespace of its own per test, and closes
   * it after.
   */
  create(): SecondLevelCache | Promise<SecondLevelCache>;
  /**
   * Lets `ms` milliseconds pass on the store's clock (expiry cases): a store with an injectable clock moves
   * it; a server's store waits for real time to pass.
   */
  advanceTime(ms: number): Promise<void>;
  /**
   * What the store holds for `namespace`: entries and dependency records (not its version and invalidation
   * records, which are bounded on their own). With it, the suite checks that
   * dependency records never outlive their entries (expired or invalidated); every store should give one.
   */
  records?(namespace: string): Promise<number>;
}

/** The test-framework globals the suite needs (jest, vitest and mocha all provide them). */
interface TestGlobals {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  afterEach(body: () => Promise<void>): void;
}

const BYTES = Uint8Array.from([0, 1, 2, 127, 128, 255]);

function entry(stamp: VersionStamp, dependencies: readonly string[] = [], lifetime: Pick<SecondLevelEntry, 'ttlMs' | 'slidingMs'> = {}): SecondLevelEntry {
  return { value: BYTES, dependencies, stamp, ...lifetime };
}

/**
 * The behaviour every {@link SecondLevelCache} must show, as one `describe` block: storage and round trips,
 * transitive invalidation, clear, namespaces, expiry, and the version fence that refuses stale stores
 * (a load overtaken by an invalidation from another client, and one built on an older first-level entry).
 *
 * @example
 * ```ts
 * describeSecondLevelConformance({
 *   name: 'RedisL2',
 *   create: () => new RedisL2({ connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }),
 *   advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * });
 * ```
 */
export function describeSecondLevelConformance(options: SecondLevelConformanceOptions): void {
  const { describe, it, afterEach } = globalThis as unknown as TestGlobals;
  const opened: SecondLevelCache[] = [];
  let namespace = '';

  /** A client opened on this test's namespace. */
  async function client(): Promise<SecondLevelCache> {
    const store = await options.create();
    opened.push(store);
    await store.open({ namespace, listener: { down: () => undefined, up: () => undefined } });
    return store;
  }

  async function version(store: SecondLevelCache, key = `${namespace}:probe`): Promise<number> {
    const read = await store.get(key);
    assert.equal(read.hit, false, `expected no entry under ${key}`);
    return read.hit ? 0 : read.version;
  }

  async function hit(store: SecondLevelCache, key: string): Promise<SecondLevelHit> {
    const read = await store.get(key);
    assert.ok(read.hit, `expected an entry under ${key}`);
    return read;
  }

  async function absent(store: SecondLevelCache, ...keys: string[]): Promise<void> {
    for (const key of keys) assert.equal((await store.get(key)).hit, false, `expected no entry under ${key}`);
  }

  describe(`${options.name} (second-level conformance)`, () => {
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    // Each test gets its own namespace, set before its body runs.
    const test = (name: string, body: () => Promise<void>): void =>
      it(name, async () => {
        namespace = `conformance-${randomUUID()}`;
        await body();
      });
    const key = (name: string): string => `${namespace}:${name}`;

    test('a read carries the current version; a stored entry comes back byte for byte, with its dependencies', async () => {
      const store = await client();
      const start = await version(store, key('a'));
      assert.ok(Number.isSafeInteger(start) && start >= 0, `expected a non-negative integer version, got ${start}`);
      const stamp: VersionStamp = { version: start, older: [['tag:x', start]] };
      assert.equal(await store.set(key('a'), entry(stamp, ['tag:x', key('b')])), true);
      const read = await hit(store, key('a'));
      assert.deepEqual([...read.value], [...BYTES]);
      assert.deepEqual([...read.dependencies].sort(), ['tag:x', key('b')].sort());
      assert.equal(read.version, start);
      assert.equal(read.expiresInMs, undefined);
      const later = await store.invalidate([], ['tag:unrelated']);
      assert.equal((await hit(store, key('a'))).version, later, 'a hit is valid at the current version');
      await store.set(key('empty'), { ...entry({ version: start }), value: new Uint8Array(0) });
      assert.equal((await hit(store, key('empty'))).value.length, 0);
    });

    test('set replaces an entry and its dependencies', async () => {
      const store = await client();
      const start = await version(store);
      await store.set(key('a'), entry({ version: start }, ['old']));
      await store.set(key('a'), entry({ version: start }, ['new']));
      await store.invalidate([], ['old']);
      assert.deepEqual((await hit(store, key('a'))).dependencies, ['new']);
      await store.invalidate([], ['new']);
      await absent(store, key('a'));
    });

    test('invalidate removes keys and their dependents transitively, safe against cycles, and raises the version', async () => {
      const store = await client();
      const start = await version(store);
      await store.set(key('a'), entry({ version: start }, ['tag']));
      await store.set(key('b'), entry({ version: start }, [key('a')]));
      await store.set(key('c'), entry({ version: start }, [key('b')]));
      await store.set(key('x'), entry({ version: start }, [key('y')]));
      await store.set(key('y'), entry({ version: start }, [key('x')]));
      await store.set(key('other'), entry({ version: start }, ['other-tag']));
      const after = await store.invalidate([], ['tag']);
      assert.ok(after > start, 'the version rises with each invalidation');
      await absent(store, key('a'), key('b'), key('c'));
      assert.ok(await store.invalidate([key('x')], []) > after);
      await absent(store, key('x'), key('y'));
      await hit(store, key('other'));
      assert.ok((await version(store)) >= after);
    });

    test('clear removes every entry of the namespace, and no other namespace is touched', async () => {
      const store = await client();
      const mine = namespace;
      const start = await version(store);
      await store.set(key('a'), entry({ version: start }, ['shared-tag']));
      namespace = `conformance-${randomUUID()}`;
      const other = await client();
      await other.set(key('a'), entry({ version: await version(other) }, ['shared-tag']));
      const otherKey = key('a');
      namespace = mine;
      await store.invalidate([], ['shared-tag']);
      await absent(store, key('a'));
      await hit(other, otherKey);
      await store.set(key('b'), entry({ version: await version(store) }));
      assert.ok((await store.clear()) > start);
      await absent(store, key('b'));
      await hit(other, otherKey);
    });

    test('the fence: a load overtaken by an invalidation from another client (key, dependency, dependent, clear) is refused', async () => {
      const [loader, writer] = [await client(), await client()];
      const stamp = { version: await version(loader) };
      await writer.set(key('inner'), entry(stamp, ['tag:inner']));
      await writer.invalidate([key('k')], []);
      assert.equal(await loader.set(key('k'), entry(stamp)), false, 'its key was invalidated');
      await writer.invalidate([], ['tag:d']);
      assert.equal(await loader.set(key('d'), entry(stamp, ['tag:d'])), false, 'a dependency was invalidated');
      await writer.invalidate([], ['tag:inner']);
      assert.equal(await loader.set(key('outer'), entry(stamp, [key('inner')])), false, 'a dependency was removed as a dependent');
      await absent(writer, key('k'), key('d'), key('outer'));
      const fresh = { version: await version(loader) };
      assert.equal(await loader.set(key('unrelated'), entry(stamp, ['tag:unrelated'])), true, 'untouched names do not refuse');
      assert.equal(await loader.set(key('k'), entry(fresh, ['tag:d', key('inner')])), true, 'a load begun after is stored');
      await writer.clear();
      assert.equal(await loader.set(key('late'), entry(fresh)), false, 'a clear refuses every older stamp');
    });

    test('the fence: an entry built on an older first-level entry is refused when that entry was invalidated since', async () => {
      const store = await client();
      const loadedAt = await version(store);
      await store.invalidate([], ['tag:inner']); // the inner entry this instance holds in memory goes stale
      const outerStart = await version(store);
      assert.ok(outerStart > loadedAt);
      const stale = { version: outerStart, older: [[key('inner'), loadedAt], ['tag:inner', loadedAt]] as const };
      assert.equal(await store.set(key('outer'), entry(stale, [key('inner'), 'tag:inner'])), false);
      const current = { version: outerStart, older: [[key('inner'), outerStart]] as const };
      assert.equal(await store.set(key('outer'), entry(current, [key('inner')])), true, 'an inner entry loaded after the invalidation is fine');
    });

    test('an absolute lifetime expires, and the hit says how long it has left', async () => {
      const store = await client();
      await store.set(key('a'), entry({ version: await version(store) }, ['tag'], { ttlMs: 1_000 }));
      const read = await hit(store, key('a'));
      assert.ok(read.expiresInMs !== undefined && read.expiresInMs > 0 && read.expiresInMs <= 1_000, `expiresInMs: ${read.expiresInMs}`);
      await options.advanceTime(1_100);
      await absent(store, key('a'));
    });

    test('a sliding lifetime restarts on every hit', async () => {
      const store = await client();
      await store.set(key('a'), entry({ version: await version(store) }, [], { slidingMs: 1_000 }));
      await options.advanceTime(600);
      assert.equal((await hit(store, key('a'))).expiresInMs, undefined);
      await options.advanceTime(600);
      await hit(store, key('a'));
      await options.advanceTime(1_100);
      await absent(store, key('a'));
    });

    test('dependency records never outlive their entries', async () => {
      const { records } = options;
      if (records === undefined) return;
      const store = await client();
      const start = await version(store);
      for (let i = 0; i < 20; i++) await store.set(key(`short${i}`), entry({ version: start }, [`tag${i}`, 'common'], { ttlMs: 500 }));
      for (let i = 0; i < 20; i++) await store.set(key(`long${i}`), entry({ version: start }, [`tag${i}`, key(`short${i}`)]));
      await options.advanceTime(600);
      await absent(store, key('short0'));
      await store.invalidate([key('short1')], ['tag2']);
      await absent(store, key('long1'), key('long2'));
      await store.invalidate([], Array.from({ length: 20 }, (_, i) => `tag${i}`));
      await absent(store, key('long19'));
      assert.equal(await records(namespace), 0, 'entries or dependency records left behind');
    });
  });
}
