import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { CachingService } from '@cachet/core';
import { nextEvent } from '@cachet/core/testing';
import { RedisSynchronization } from '@cachet/redis';
import { put } from '../support/catalogue-app';
import { assertRedisReachable, REDIS_URL, uniqueChannel } from '../support/redis';

const root = resolve(__dirname, '../../../..');
let child: ChildProcess | undefined;
let observer: CachingService | undefined;

beforeAll(() => assertRedisReachable());
afterEach(async () => {
  child?.kill('SIGKILL');
  await observer?.dispose();
});

/**
 * Starts the fixture application under plain Node (CommonJS through ts-node, the `@cachet/*` packages mapped to
 * their sources as in Jest), and resolves with its port.
 */
async function startChild(channel: string): Promise<{ process: ChildProcess; port: number }> {
  const started = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', '--require', 'tsconfig-paths/register', resolve(__dirname, '../fixtures/signal-app.ts'), REDIS_URL, channel], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, TS_NODE_PROJECT: resolve(root, 'tsconfig.legacy.json'), TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: root }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = started;
  const [line] = (await Promise.race([once(started.stdout, 'data'), once(started, 'exit').then(() => [Buffer.from('exited')])])) as Buffer[];
  const port = Number(String(line).trim());
  if (!Number.isInteger(port)) throw new Error(`the fixture application did not start: ${String(line)}`);
  return { process: started, port };
}

describe('a Nest application in its own process, with enableShutdownHooks()', () => {
  it('on SIGTERM publishes the invalidation it just queued, closes its connections and exits', async () => {
    const channel = uniqueChannel('nestjs-signal');
    observer = CachingService.create({ synchronization: new RedisSynchronization({ connection: REDIS_URL, channel }) });
    await observer.initialize();
    const { process: app, port } = await startChild(channel);
    const heard = nextEvent(observer, 'invalidate', (event) => event.source === 'remote', 10_000);
    const exited = once(app, 'exit');
    await put(`http://127.0.0.1:${port}/products/1`, { name: 'samovar' });
    app.kill('SIGTERM');
    expect((await heard).keys).toHaveLength(1);
    // Nest re-raises the signal once the application is closed; nothing left open holds the process back.
    expect(await exited).toEqual([null, 'SIGTERM']);
  }, 30_000);
});
