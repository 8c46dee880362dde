import { RedisSynchronization } from '@cachet/redis';
import { Redis } from 'ioredis';
import { probeRedis } from '../harness/redis-probe.js';
import type { Bus } from './bus.js';

/** Redis pub/sub: ioredis `PUBLISH` and `SUBSCRIBE`, and `@cachet/redis`. */
export const redisBus: Bus = {
  name: 'Redis',
  urlVariable: 'REDIS_URL',
  startHint: 'Start Redis (e.g. `redis-server --port 6379 --save "" --appendonly no`) or set REDIS_URL, then rerun.',
  url: (options) => options.redisUrl,
  probe: probeRedis,
  floorName: 'floor: ioredis PUBLISH → lru.delete',
  rawPubSub: {
    async publisher(url, channel) {
      const publisher = new Redis(url);
      await publisher.ping();
      return { publish: (key) => publisher.publish(channel, key), close: async () => void (await publisher.quit()) };
    },
    async subscribe(url, channel, onKey) {
      const subscriber = new Redis(url);
      subscriber.on('message', (_channel: string, key: string) => onKey(key));
      await subscriber.subscribe(channel);
      return { close: async () => void (await subscriber.quit()) };
    },
  },
  transport: (url, channel) => new RedisSynchronization({ connection: url, channel }),
};
