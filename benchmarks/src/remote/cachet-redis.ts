import { Cache, CachingService, MemoryBackend } from '@cachet/core';
import { RedisSynchronization } from '@cachet/redis';
import { idFromKey, type RemotePeer } from './remote-peer.js';

/** The cached method both processes declare: same class and method name, so the same keys. */
class Users {
  @Cache()
  async getUser(id: number): Promise<{ id: number }> {
    return { id };
  }
}

async function createService(url: string, channel: string, maxEntries: number): Promise<{ service: CachingService; users: Users }> {
  const service = CachingService.create({
    backend: new MemoryBackend({ maxEntries }),
    synchronization: new RedisSynchronization({ connection: url, channel }),
  });
  await service.initialize();
  return { service, users: service.bind(new Users()) };
}

/** cachet over `RedisSynchronization`: `service.invalidate(() => users.getUser(id))` on one side, the eviction on the other. */
export const cachetRedis: RemotePeer = {
  name: 'cachet (RedisSynchronization)',
  async sender(url, channel) {
    const { service, users } = await createService(url, channel, 1_000);
    return {
      invalidate: (id) => service.invalidate(() => users.getUser(id)),
      close: () => service.dispose(),
    };
  },
  async receiver(url, channel, entries, onEvict) {
    const { service, users } = await createService(url, channel, entries * 2);
    for (let id = 0; id < entries; id++) await users.getUser(id);
    service.on('invalidate', (event) => {
      if (event.source !== 'remote') return;
      for (const key of event.keys) onEvict(idFromKey(key));
    });
    return { close: () => service.dispose() };
  },
};
