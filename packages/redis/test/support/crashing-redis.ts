import { type PrivateRedisServer, usePrivateRedis } from './private-redis-server';
import { UnhandledErrors } from './unhandled-errors';

/** Reconnect quickly so the tests do not wait on ioredis' default back-off. */
export const fastReconnect = { retryStrategy: (): number => 50 };

/**
 * Gives the file's tests a private redis-server they may kill and restart (fresh for every test), and
 * fails a test that lets an error escape unhandled.
 * @returns a holder whose `server` is the running private server.
 */
export function useCrashingRedis(cleanUp: () => Promise<void>): { readonly server: PrivateRedisServer } {
  const holder = usePrivateRedis();
  const unhandled = new UnhandledErrors();
  beforeEach(async () => {
    await holder.server.restart();
    unhandled.start();
  });
  afterEach(async () => {
    await cleanUp();
    expect(unhandled.stop()).toEqual([]);
  });
  return holder;
}
