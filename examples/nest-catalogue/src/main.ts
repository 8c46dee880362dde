// Starts the catalogue on each port given: `node dist/main.js 3001` in one process and `node dist/main.js 3002`
// in another share Redis (REDIS_URL, default redis://127.0.0.1:6379); `node dist/main.js 3001 3002` starts
// both in this process, over Redis when one answers, otherwise over the in-process bus.
import 'reflect-metadata';
import { InProcessSynchronization, type SynchronizationTransport } from '@cachet/core';
import { RedisSynchronization } from '@cachet/redis';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { AppModule } from './app.module';
import { ProductTable } from './product-table';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  const ports = process.argv.slice(2).map(Number);
  if (ports.length === 0 || ports.some((port) => !Number.isInteger(port))) throw new Error('usage: node dist/main.js <port> [<port> …]');
  const overRedis = await redisAnswers();
  if (!overRedis && ports.length === 1) {
    throw new Error(`Redis does not answer at ${REDIS_URL}: start one (\`redis-server\`) or set REDIS_URL, or start both instances in one process (node dist/main.js 3001 3002) to use the in-process bus.`);
  }
  const inProcess = new InProcessSynchronization();
  if (process.env['CATALOGUE_RESET'] === '1') new ProductTable().reset();
  for (const port of ports) {
    const bus: SynchronizationTransport = overRedis ? new RedisSynchronization({ connection: REDIS_URL }) : inProcess;
    const app = await NestFactory.create(AppModule.create(bus, new ProductTable(undefined, `[${port}] `)), { logger: ['warn', 'error'] });
    app.enableShutdownHooks();
    await app.listen(port, '127.0.0.1'); // resolves once the cache's subscription is active
    console.log(`catalogue on http://127.0.0.1:${port}, synchronized over ${overRedis ? `Redis at ${REDIS_URL}` : 'the in-process bus'}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
