import { Cache, CachingService, MemoryBackend, type SynchronizationOptions } from '@cachet/core';
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

/** The engine settings besides the transport: none, or signing. */
type Settings = Omit<SynchronizationOptions, 'transport'>;

async function createService(url: string, channel: string, backend: MemoryBackend, settings: Settings): Promise<{ service: CachingService; users: Users }> {
  const service = CachingService.create({
    backend,
    synchronization: { transport: new RedisSynchronization({ connection: url, channel }), ...settings },
  });
  await service.initialize();
  return { service, users: service.bind(new Users()) };
}

/** cachet over `RedisSynchronization`: `service.invalidate(() => users.getUser(id))` on one side, the eviction on the other. */
function cachetPeer(name: string, settings: Settings): RemotePeer {
  return {
    name,
    async sender(url, channel) {
      const { service, users } = await createService(url, channel, new MemoryBackend({ maxEntries: 1_000 }), settings);
      return {
        invalidate: (id) => service.invalidate(() => users.getUser(id)),
        close: () => service.dispose(),
      };
    },
    async receiver(url, channel, entries, onEvict) {
      const { service, users } = await createService(url, channel, new EvictionReportingBackend(entries * 2, onEvict), settings);
      for (let id = 0; id < entries; id++) await users.getUser(id);
      return { close: () => service.dispose() };
    },
  };
}

export const cachetRedis = cachetPeer('cachet (RedisSynchronization)', {});

/** A fixed key: both processes of a pair must share it, and a benchmark has no secret to keep. */
const BENCHMARK_SIGNING_KEY = 'cachet benchmark signing key, 32 bytes or more';

/** The same with `signingKeys`: every message HMAC-signed by the sender and checked by the receiver. */
export const cachetRedisSigned = cachetPeer('cachet (RedisSynchronization, signed)', { signingKeys: [BENCHMARK_SIGNING_KEY] });
