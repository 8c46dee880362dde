import { Cache, CachingService, InProcessSynchronization, InvalidateCache } from '@cachet/core';
import { seededRandom, type SeededRandom } from './support/seeded-random';

const SEED = 20_261_104;
const OPERATIONS = 4000;
const IDS = 12;
const SERVICES = 3;

/** Lets other work run in between, a random amount: microtasks mostly, sometimes a macrotask. */
async function yieldRandomly(random: SeededRandom): Promise<void> {
  for (let i = random.int(4); i > 0; i--) await Promise.resolve();
  if (random.int(8) === 0) await new Promise((resolve) => setImmediate(resolve));
}

/** Versions of records in a shared map standing in for a database; every write makes a new version. */
class Repository {
  constructor(
    private readonly db: Map<number, number>,
    private readonly random: SeededRandom,
  ) {}

  @Cache()
  async read(id: number): Promise<number> {
    const version = this.db.get(id) ?? 0; // read first, return later: the load can race an invalidation
    await yieldRandomly(this.random);
    return version;
  }

  @InvalidateCache('read')
  async write(id: number): Promise<number> {
    const version = (this.db.get(id) ?? 0) + 1;
    this.db.set(id, version);
    await yieldRandomly(this.random);
    return version;
  }
}

describe('randomized coherence', () => {
  it(`keeps ${SERVICES} services coherent over ${OPERATIONS} random reads and writes (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const db = new Map<number, number>();
    const bus = new InProcessSynchronization();
    const services = Array.from({ length: SERVICES }, () => CachingService.create({ synchronization: { transport: bus, heartbeatIntervalMs: 0 } }));
    await Promise.all(services.map((service) => service.initialize()));
    const repositories = services.map((service) => service.bind(new Repository(db, random)));

    // The key of each id, learned from the first read's miss.
    const idOfKey = new Map<string, number>();
    for (let id = 0; id < IDS; id++) {
      const first = services[0] as CachingService;
      const off = first.on('miss', (event) => idOfKey.set(event.key, id));
      await repositories[0]?.read(id);
      off();
    }
    expect(idOfKey.size).toBe(IDS);

    // seen[s][id]: the database version of `id` when service s last applied an invalidation of it. Any read
    // issued on s after that must return at least that version: older loads were fenced, the entry dropped.
    const seen = services.map(() => new Array<number>(IDS).fill(0));
    services.forEach((service, s) => {
      service.on('invalidate', (event) => {
        const ids = event.all ? [...idOfKey.values()] : event.keys.map((key) => idOfKey.get(key));
        for (const id of ids) if (id !== undefined) (seen[s] as number[])[id] = db.get(id) ?? 0;
      });
      service.on('gap', () => {
        for (let id = 0; id < IDS; id++) (seen[s] as number[])[id] = db.get(id) ?? 0;
      });
    });

    const violations: string[] = [];
    const pending: Promise<unknown>[] = [];
    let reads = 0;
    let writes = 0;
    for (let op = 0; op < OPERATIONS; op++) {
      const s = random.int(SERVICES);
      const id = random.int(IDS);
      const repository = repositories[s] as Repository;
      if (random.int(100) < 70) {
        reads++;
        const atLeast = (seen[s] as number[])[id] as number;
        pending.push(
          repository.read(id).then((version) => {
            if (version < atLeast) violations.push(`op ${op}: service ${s} read id ${id} as v${version}, after v${atLeast}'s invalidation had reached it`);
          }),
        );
      } else {
        writes++;
        pending.push(repository.write(id));
      }
      if (random.int(3) === 0) await yieldRandomly(random);
    }
    await Promise.all(pending);
    // Let the last invalidations cross the bus.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));

    expect(violations).toEqual([]);
    // Once quiet, every service reads every record as the database holds it.
    for (const repository of repositories) {
      for (let id = 0; id < IDS; id++) expect({ id, version: await repository.read(id) }).toEqual({ id, version: db.get(id) ?? 0 });
    }
    // The run exercised what it claims to: hits, races lost to the fence, remote invalidations.
    const stats = services.map((service) => service.stats());
    expect(reads).toBeGreaterThan(OPERATIONS / 2);
    expect(writes).toBeGreaterThan(OPERATIONS / 5);
    expect(stats.reduce((sum, stat) => sum + stat.hits, 0)).toBeGreaterThan(0);
    expect(stats.reduce((sum, stat) => sum + stat.fenced, 0)).toBeGreaterThan(0);
    for (const stat of stats) expect(stat.sync?.applied).toBeGreaterThan(0);
    for (const stat of stats) expect(stat.sync?.gaps).toBe(0);

    await Promise.all(services.map((service) => service.dispose()));
  });
});
