import { Redis } from 'ioredis';

/** Resolves to `undefined` when Redis answers PING at `url`, or to the reason it does not. */
export async function probeRedis(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // ioredis reports the cause (e.g. ECONNREFUSED) on 'error' and rejects with a generic "Connection is closed".
  let cause: string | undefined;
  client.on('error', (error: Error) => (cause ??= error.message));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return cause ?? (error instanceof Error ? error.message : String(error));
  } finally {
    client.disconnect();
  }
}
