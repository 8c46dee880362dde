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

/**
 * The memory backend, reporting the entries an invalidation removed as it removes them: the moment of
 * eviction, observed like layered-loader's (its cache's `delete`), through cachet's public backend contract.
 */
class EvictionReportingBackend extends MemoryBackend {
  constructor(
    maxEntries: number,
    private readonly onEvict: (id: number) => void,
  ) {
    super({ maxEntries });
  }

  override invalidate(keys: Iterable<string>, dependencies: Iterable<string>): string[] {
    const removed = super.invalidate(keys, dependencies);
    for (const key of removed) this.onEvict(idFromKey(key));
    return removed;
  }
}

async function createService(url: string, channel: string, backend: MemoryBackend): Promise<{ service: CachingService; users: Users }> {
  const service = CachingService.create({
    backend,
    synchronization: new RedisSynchronization({ connection: url, channel }),
  });
  await service.initialize();
  return { service, users: service.bind(new Users()) };
}

/** cachet over `RedisSynchronization`: `service.invalidate(() => users.getUser(id))` on one side, the eviction on the other. */
export const cachetRedis: RemotePeer = {
  name: 'cachet (RedisSynchronization)',
  async sender(url, channel) {
    const { service, users } = await createService(url, channel, new MemoryBackend({ maxEntries: 1_000 }));
    return {
      invalidate: (id) => service.invalidate(() => users.getUser(id)),
      close: () => service.dispose(),
    };
  },
  async receiver(url, channel, entries, onEvict) {
    const { service, users } = await createService(url, channel, new EvictionReportingBackend(entries * 2, onEvict));
    for (let id = 0; id < entries; id++) await users.getUser(id);
    return { close: () => service.dispose() };
  },
};
