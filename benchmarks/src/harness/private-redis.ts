import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { delay } from './clock.js';
import { probeRedis } from './redis-probe.js';

/** Asks the kernel for a TCP port that is free on loopback right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('private-redis: could not read the free port');
  return address.port;
}

/** Sums the numeric fields `names` of an `INFO` reply (lines `name:value`). */
function infoFields(info: string, names: readonly string[]): number {
  let total = 0;
  for (const name of names) {
    const match = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info);
    if (!match) throw new Error(`private-redis: INFO has no ${name}`);
    total += Number(match[1]);
  }
  return total;
}

/** Resolves once Redis at `url` answers PING; rejects after `timeoutMs`. */
async function awaitAnswer(url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const reason = await probeRedis(url);
    if (reason === undefined) return;
    if (performance.now() > deadline) throw new Error(`redis-server at ${url} did not answer within ${timeoutMs} ms: ${reason}`);
    await delay(50);
  }
}

/**
 * A redis-server of the benchmark's own, on a free loopback port, for scenarios that load a server or read
 * its CPU time: the shared one (6379) serves other work and must stay untouched.
 */
export class PrivateRedis {
  private constructor(
    private readonly server: ChildProcess,
    private readonly client: Redis,
    /** `redis://127.0.0.1:<port>`. */
    readonly url: string,
  ) {}

  /**
   * Starts `redis-server` (from PATH) without persistence and resolves once it answers PING.
   * @throws Error saying how to get `redis-server` when it cannot be started.
   */
  static async start(): Promise<PrivateRedis> {
    const port = await freePort();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const failed = new Promise<never>((_, reject) => {
      server.once('error', (error) => reject(new Error(`could not start redis-server (${error.message}); install Redis 7 so that redis-server is on PATH`)));
      server.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} before answering on port ${port}`)));
    });
    failed.catch(() => undefined);
    const url = `redis://127.0.0.1:${port}`;
    try {
      await Promise.race([awaitAnswer(url, 10_000), failed]);
    } catch (error) {
      server.kill();
      throw error;
    }
    const client = new Redis(url);
    return new PrivateRedis(server, client, url);
  }

  /** The server's CPU time so far, user and system, all threads (`INFO cpu`), in seconds. */
  async cpuSeconds(): Promise<number> {
    return infoFields(await this.client.info('cpu'), ['used_cpu_sys', 'used_cpu_user']);
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.server.exitCode !== null || this.server.signalCode !== null) return;
    const exited = once(this.server, 'exit');
    this.server.kill('SIGTERM');
    await Promise.race([exited, delay(5_000)]);
    if (this.server.exitCode === null && this.server.signalCode === null) this.server.kill('SIGKILL');
  }
}
