// One app instance in its own process, driven by the demo's main process over IPC.
import { Redis } from 'ioredis';
import { RedisSynchronization } from '@cachet/redis';
import { LocalAppInstance, type Operation } from './app-instance';
import { RedisHashDatabase } from './databases';

/** Messages from the main process. */
export type Command = { readonly call: number; readonly operation: Operation } | { readonly dispose: true };

/** Messages to the main process. */
export type Report =
  | { readonly ready: true }
  | { readonly call: number; readonly outcome: import('./app-instance').Outcome }
  | { readonly remoteKeys: readonly string[] };

const [name = '?', redisUrl = '', hash = '', channel = ''] = process.argv.slice(2);
const send = (report: Report): void => void process.send?.(report);

async function main(): Promise<void> {
  const redis = new Redis(redisUrl);
  const app = new LocalAppInstance(name, new RedisHashDatabase(redis, hash), new RedisSynchronization({ connection: redisUrl, channel }), (keys) =>
    send({ remoteKeys: keys }),
  );
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
