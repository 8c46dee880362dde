import { createServer } from 'node:net';
import { CachingService, type CachingServiceOptions, InProcessSynchronization, SynchronizationError } from '@cachet/core';
import { CachetModule, type CachetOptionsFactory } from '@cachet/nestjs';
import { RedisSynchronization } from '@cachet/redis';
import { Injectable } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { catalogueModule, get, ProductTable, type RunningApp, startApp } from '../support/catalogue-app';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis';

const running: RunningApp[] = [];
beforeAll(() => assertRedisReachable());
afterEach(async () => {
  await Promise.all(running.splice(0).map(({ app }) => app.close()));
});

/** Resolves once `condition()` holds, checked after each turn of the event loop; fails after 2 s. */
async function closed(description: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still open after app.close(): ${description}; active: ${process.getActiveResourcesInfo().join(', ')}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Options from configuration, as an application's own CachetOptionsFactory would make them. */
@Injectable()
class CachetConfig implements CachetOptionsFactory {
  constructor(private readonly config: ConfigService) {}
  createCachetOptions(): CachingServiceOptions {
    return { namespace: this.config.getOrThrow<string>('CACHE_NAMESPACE'), synchronization: new InProcessSynchronization() };
  }
}

const configuration = ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ REDIS_URL, CACHE_CHANNEL: uniqueChannel('nestjs-config'), CACHE_NAMESPACE: 'catalogue' })] });

describe('CachetModule.forRootAsync', () => {
  it('makes the options from a ConfigService with useFactory, once per application, synchronized over Redis', async () => {
    const table = new ProductTable();
    const module = catalogueModule(
      table,
      CachetModule.forRootAsync({
        isGlobal: true,
        imports: [configuration],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          namespace: config.getOrThrow<string>('CACHE_NAMESPACE'),
          synchronization: new RedisSynchronization({ connection: config.getOrThrow<string>('REDIS_URL'), channel: config.getOrThrow<string>('CACHE_CHANNEL') }),
          profiles: { hot: { ttl: 60_000 } },
        }),
      }),
    );
    const first = await startApp(module);
    const second = await startApp(module);
    running.push(first, second);
    expect(first.service).not.toBe(second.service);
    expect(await get(`${first.url}/products/1`)).toEqual({ id: 1, name: 'kettle' });
    expect(first.service.stats().sync?.state).toBe('up');
    await get(`${first.url}/products/1`);
    expect(table.reads).toBe(1);
  });

  it('makes the options with a CachetOptionsFactory, given by useClass or provided elsewhere for useExisting', async () => {
    const table = new ProductTable();
    const byClass = await startApp(catalogueModule(table, CachetModule.forRootAsync({ imports: [configuration], useClass: CachetConfig })));
    running.push(byClass);
    await get(`${byClass.url}/products/2`);
    expect(byClass.service.stats().entries).toBe(1);
    const existing = CachetModule.forRootAsync({ imports: [configuration], extraProviders: [CachetConfig], useExisting: CachetConfig });
    const byExisting = await startApp(catalogueModule(table, existing));
    running.push(byExisting);
    await get(`${byExisting.url}/products/2`);
    expect([byClass.service.stats().entries, byExisting.service.stats().entries]).toEqual([1, 1]);
  });
});

describe('the application lifecycle', () => {
  it('fails app.init() with the transport error when the bus cannot connect', async () => {
    const port = await closedPort();
    const testing = await Test.createTestingModule({
      // ioredis keeps a refused socket's disconnect timer (2 s by default) running after disconnect(): a short
      // one lets Jest exit at once when this test runs last.
      imports: [catalogueModule(new ProductTable(), CachetModule.forRoot({ synchronization: new RedisSynchronization({ connection: { host: '127.0.0.1', port, disconnectTimeout: 10 } }) }))],
    }).compile();
    const app = testing.createNestApplication({ logger: false });
    const failure = app.init();
    await expect(failure).rejects.toThrow(SynchronizationError);
    await expect(failure).rejects.toThrow(new RegExp(`redis.*127\\.0\\.0\\.1:${port}`, 'i'));
    await app.close();
    expect(() => app.get(CachingService).stats()).not.toThrow();
  });

  it('initializes the service in app.init() and disposes it in app.close(), leaving no socket or server open', async () => {
    const handles = (): number => process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP')).length;
    const before = handles();
    const { app, service, url } = await startApp(
      catalogueModule(new ProductTable(), CachetModule.forRoot({ synchronization: new RedisSynchronization({ connection: REDIS_URL, channel: uniqueChannel('nestjs-close') }) })),
    );
    expect(service.stats().sync?.state).toBe('up');
    await get(`${url}/products/1`);
    await app.close();
    expect(() => service.stats()).not.toThrow();
    await expect(service.initialize()).rejects.toThrow(/disposed/);
    // Closed sockets finish their shutdown (FIN sent, then released) in the next turns of the event loop.
    await closed(`TCP handles back to ${before}`, () => handles() <= before);
  });
});
