import { CacheConfigurationError, CachingService, MemoryBackend } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { CachetModule } from '@cachet/nestjs';
import { RedisSynchronization } from '@cachet/redis';
import { catalogueModule, get, ProductTable, put, type RunningApp, startApp } from '../support/catalogue-app';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis';

/** The process default: no application's cached call may land here. */
let processDefault: CachingService;
const running: RunningApp[] = [];

beforeAll(async () => {
  await assertRedisReachable();
  CachingService.default = processDefault = CachingService.create({});
});
afterEach(async () => {
  await Promise.all(running.splice(0).map(({ app }) => app.close()));
});
afterAll(() => processDefault.dispose());

/** Two applications built from one module class and one options object, over one Redis channel. */
async function twoApps(): Promise<{ table: ProductTable; first: RunningApp; second: RunningApp }> {
  const table = new ProductTable();
  const module = catalogueModule(table, CachetModule.forRoot({ synchronization: new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('nestjs') }) }));
  const first = await startApp(module);
  running.push(first);
  const second = await startApp(module);
  running.push(second);
  return { table, first, second };
}

describe('two Nest applications in one process, synchronized over Redis', () => {
  it('serve a repeated GET from the cache', async () => {
    const { table, first } = await twoApps();
    expect(await get(`${first.url}/products/1`)).toEqual({ id: 1, name: 'kettle' });
    expect(await get(`${first.url}/products/1`)).toEqual({ id: 1, name: 'kettle' });
    expect(table.reads).toBe(1);
  });

  it('keep separate caches, each its own service, none of them the process default', async () => {
    const { table, first, second } = await twoApps();
    expect(first.service).not.toBe(second.service);
    await get(`${first.url}/products/1`);
    expect([first.service.stats().entries, second.service.stats().entries]).toEqual([1, 0]);
    await get(`${second.url}/products/1`);
    expect(table.reads).toBe(2);
    expect(processDefault.stats().entries).toBe(0);
  });

  it('let a write through one application be seen by the next read on the other', async () => {
    const { first, second } = await twoApps();
    expect(await get(`${first.url}/products/2`)).toEqual({ id: 2, name: 'teapot' });
    const dropped = nextEvent(first.service, 'invalidate', (event) => event.source === 'remote');
    await put(`${second.url}/products/2`, { name: 'samovar' });
    await dropped;
    expect(await get(`${first.url}/products/2`)).toEqual({ id: 2, name: 'samovar' });
  });

  it('publish what is queued when an application closes: a write just before app.close() still reaches the other', async () => {
    const { first, second } = await twoApps();
    await get(`${first.url}/products/1`);
    const dropped = nextEvent(first.service, 'invalidate', (event) => event.source === 'remote');
    await put(`${second.url}/products/1`, { name: 'kettle, red' });
    await second.app.close();
    await dropped;
    expect(await get(`${first.url}/products/1`)).toEqual({ id: 1, name: 'kettle, red' });
  });

  it('refuse, at the second application, a backend instance the first one uses; a backend factory gives each its own', async () => {
    const table = new ProductTable();
    const shared = catalogueModule(table, CachetModule.forRoot({ backend: new MemoryBackend() }));
    running.push(await startApp(shared));
    await expect(startApp(shared)).rejects.toThrow(CacheConfigurationError);
    await expect(startApp(shared)).rejects.toThrow(/`backend`.*already serves another CachingService/);
    const perApp = catalogueModule(table, CachetModule.forRoot({ backend: () => new MemoryBackend({ maxEntries: 100 }) }));
    running.push(await startApp(perApp), await startApp(perApp));
  });
});
