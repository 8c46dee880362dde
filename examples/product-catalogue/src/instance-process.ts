// One app instance in its own process, driven by the demo's main process over IPC.
import { Redis } from 'ioredis';
import { RedisL2, RedisSynchronization } from '@cachet/redis';
import { LocalAppInstance, type Operation } from './app-instance';
import { RedisHashDatabase } from './databases';

/** Messages from the main process. */
export type Command = { readonly call: number; readonly operation: Operation } | { readonly dispose: true };

/** Messages to the main process. */
export type Report =
  | { readonly ready: true }
  | { readonly call: number; readonly outcome: import('./app-instance').Outcome }
  | { readonly remoteKeys: readonly string[] };

// With a key prefix, the instance keeps a second level in Redis, whose own bus (on `channel`) keeps the
// memory caches coherent; without one, memory only, over a RedisSynchronization.
const [name = '?', redisUrl = '', hash = '', channel = '', keyPrefix] = process.argv.slice(2);
const send = (report: Report): void => void process.send?.(report);

async function main(): Promise<void> {
  const redis = new Redis(redisUrl);
  const options =
    keyPrefix === undefined
      ? { synchronization: new RedisSynchronization({ connection: redisUrl, channel }) }
      : { l2: new RedisL2({ connection: redisUrl, keyPrefix, channel }) };
  const app = new LocalAppInstance(name, new RedisHashDatabase(redis, hash), options, (keys) => send({ remoteKeys: keys }));
  await app.initialize();
  process.on('message', (command: Command) => {
    if ('dispose' in command) {
      void Promise.all([app.dispose(), redis.quit()]).then(() => process.disconnect());
      return;
    }
    void app.run(command.operation).then((outcome) => send({ call: command.call, outcome }));
  });
  send({ ready: true });
}

main().catch((error: unknown) => {
  console.error(`instance ${name} failed:`, error);
  process.exit(1);
});
