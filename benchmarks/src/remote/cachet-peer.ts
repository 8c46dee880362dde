import { Cache, CachingService, MemoryBackend, type SynchronizationOptions } from '@cachet/core';
import type { Bus } from './bus.js';
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

/** The engine settings besides the transport: none, or signing. */
type Settings = Omit<SynchronizationOptions, 'transport'>;

async function createService(bus: Bus, url: string, channel: string, backend: MemoryBackend, settings: Settings): Promise<{ service: CachingService; users: Users }> {
  const service = CachingService.create({
    backend,
    synchronization: { transport: bus.transport(url, channel), ...settings },
  });
  await service.initialize();
  return { service, users: service.bind(new Users()) };
}

/** cachet over `bus`'s transport: `service.invalidate(() => users.getUser(id))` on one side, the eviction on the other. */
export function cachetPeer(name: string, bus: Bus, settings: Settings = {}): RemotePeer {
  return {
    name,
    async sender(url, channel) {
      const { service, users } = await createService(bus, url, channel, new MemoryBackend({ maxEntries: 1_000 }), settings);
      return {
        invalidate: (id) => service.invalidate(() => users.getUser(id)),
        close: () => service.dispose(),
      };
    },
    async receiver(url, channel, entries, onEvict) {
      const { service, users } = await createService(bus, url, channel, new EvictionReportingBackend(entries * 2, onEvict), settings);
      for (let id = 0; id < entries; id++) await users.getUser(id);
      return { close: () => service.dispose() };
    },
  };
}

/** A fixed key: both processes of a pair must share it, and a benchmark has no secret to keep. */
export const BENCHMARK_SIGNING_KEY = 'cachet benchmark signing key, 32 bytes or more';
