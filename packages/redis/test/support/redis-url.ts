import { Redis } from 'ioredis';

/** The shared Redis the integration tests use: `REDIS_URL`, or a local server on the default port. */
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Fails (never skips) when the shared Redis does not answer, saying how to get one. Call it in `beforeAll`.
 */
export async function assertRedisReachable(url: string = REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2_000 });
  let connectionError: unknown;
  client.on('error', (error: unknown) => (connectionError ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const cause = connectionError ?? error;
    throw new Error(`Redis is not reachable at ${url} (${String((cause as Error).message ?? cause)}): start one with \`redis-server\` or set REDIS_URL.`, {
      cause,
    });
  } finally {
    client.disconnect();
  }
}

/** A channel name no other test uses, so parallel test files never hear each other. */
export function uniqueChannel(label: string): string {
  return `cachet-test:${label}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
}
