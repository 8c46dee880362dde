import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ServiceBusTestPeer } from '../../../azure-service-bus/test/peer';
import { buildAndRun, describeCell, type ConsumerCell, type ConsumerRun } from '../support/consumer-app';
import { nodeBinary } from '../support/node-binaries';
import { assertRedisReachable, REDIS_URL } from '../support/redis-url';
import { assertNatsReachable, NATS_URL } from '../../../nats/test/support/nats-url';
import { assertPostgresReachable, DATABASE_URL } from '../../../postgres/test/support/database-url';

// Packs the packages as they would be published and installs the tarballs into fresh applications, one per
// cell below. The cells cover every value of every dimension and each risky pair (ESM with standard
// decorators, CommonJS with experimentalDecorators, Node 20 with standard decorators and its Symbol.metadata
// polyfill, each ioredis major with each module system and each TypeScript), rather than the full product.
// Every application runs both connection kinds: a URL, and its own ioredis clients. The first two, which differ
// in every setting, also run the story over Azure Service Bus (against the package's local test peer),
// PostgreSQL and NATS, from a URL and from a pg.Pool or NATS connection of their own, and the OpenTelemetry
// instrumentation with the SDK: a cell's extra packages cost little more than its npm install, which it pays
// anyway.
const everyTransport = ['azure', 'postgres', 'nats'] as const;
const cells: readonly ConsumerCell[] = [
  // Also the OpenTelemetry instrumentation, from ESM and from CommonJS.
  { module: 'ESM', decorators: 'standard decorators', typescript: 7, ioredis: '^6', node: 24, transports: [...everyTransport, 'opentelemetry'] },
  // Also the Nest module, as `nest new` sets an application up: CommonJS loading Nest 12's ES modules with require().
  { module: 'CommonJS', decorators: 'experimentalDecorators', typescript: 6, ioredis: '5.3.0', node: 20, transports: [...everyTransport, 'nestjs', 'opentelemetry'] },
  { module: 'ESM', decorators: 'experimentalDecorators', typescript: 7, ioredis: '^5', node: 22, transports: [] },
  { module: 'CommonJS', decorators: 'standard decorators', typescript: 7, ioredis: '6.0.0', node: 22, transports: [] },
  { module: 'ESM', decorators: 'standard decorators', typescript: 6, ioredis: '^6', node: 20, transports: [] },
  // The Nest module on the previous major of Nest, as `nest new` set an application up then.
  { module: 'CommonJS', decorators: 'experimentalDecorators', typescript: 6, ioredis: '^6', node: 24, transports: ['nestjs11'] },
];
/** Applications built at once: installs wait on the network and disk as much as on the 2 cores. */
const PARALLEL = 2;

const run = promisify(execFile);
const root = resolve(__dirname, '../../../..');
let workspace: string;
let peer: ServiceBusTestPeer | undefined;
const runs = new Map<ConsumerCell, Promise<ConsumerRun>>();

/** Runs `task` on each item, at most `limit` at a time, in `limit` lanes; each promise settles as its task does. */
function limited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R>[] {
  const lanes: Promise<unknown>[] = Array.from({ length: limit }, () => Promise.resolve());
  return items.map((item, index) => {
    const result = lanes[index % limit]!.then(() => task(item));
    lanes[index % limit] = result.catch(() => undefined);
    return result;
  });
}

beforeAll(async () => {
  await Promise.all([assertRedisReachable(), assertPostgresReachable(), assertNatsReachable()]);
  workspace = await mkdtemp(join(tmpdir(), 'cachet-consumer-'));
  const cacheDir = join(root, 'node_modules/.cache/cachet-consumer');
  const [{ stdout }, nodes] = await Promise.all([
    run(process.execPath, [join(root, 'scripts/pack-packages.mjs'), workspace]),
    Promise.all([20, 22, 24].map(async (major) => [major, await nodeBinary(major, cacheDir)] as const)),
  ]);
  peer = await ServiceBusTestPeer.start({ topics: ['invalidations'] });
  const packed = new Map((JSON.parse(stdout) as { name: string; tarball: string }[]).map(({ name, tarball }) => [name, tarball]));
  const tarballs = {
    core: packed.get('@cachet/core')!,
    redis: packed.get('@cachet/redis')!,
    azure: packed.get('@cachet/azure-service-bus')!,
    postgres: packed.get('@cachet/postgres')!,
    nats: packed.get('@cachet/nats')!,
    nestjs: packed.get('@cachet/nestjs')!,
    opentelemetry: packed.get('@cachet/opentelemetry')!,
  };
  const servers = { redisUrl: REDIS_URL, serviceBus: peer.connectionString(), databaseUrl: DATABASE_URL, natsUrl: NATS_URL };
  const binaries = new Map(nodes);
  const started = limited(cells, PARALLEL, (cell) => buildAndRun(cell, join(workspace, `app-${cells.indexOf(cell)}`), tarballs, binaries.get(cell.node)!, servers));
  started.forEach((result, index) => {
    result.catch(() => undefined); // reported by the cell's own test
    runs.set(cells[index]!, result);
  });
}, 180_000);

// Removing the applications' node_modules takes more than Jest's default 5 s on a loaded machine.
afterAll(async () => {
  await Promise.allSettled(runs.values());
  await peer?.close();
  await rm(workspace, { recursive: true, force: true });
}, 60_000);

const coherent = { seen: ['lamp', 'lamp', 'lamp', 'desk', '1:x', '1:x'], loads: [2, 2], name: 'getProduct', length: 1 };
/** A story run from a URL and from the application's own clients, each of which answered `answer` after dispose(). */
const bothConnections = (answer: unknown) => ({ fromUrl: coherent, ownClients: { ...coherent, stillOpen: [answer, answer] } });
const expectedStories = {
  azure: coherent,
  postgres: bothConnections('still open'),
  nats: bothConnections('open'),
  nestjs: { seen: ['lamp', 'lamp', 'desk'], loads: 2, separate: true },
  nestjs11: { seen: ['lamp', 'lamp', 'desk'], loads: 2, separate: true },
  // The story's calls: misses of getProduct(1) on each instance, its hit, the other's miss after the rename,
  // describe()'s miss then hit; the rename invalidates here and arrives at the other instance.
  opentelemetry: {
    story: coherent.seen,
    requests: { hit: 2, miss: 4 },
    invalidations: { local: 1, remote: 1 },
    spans: ['cachet.invalidation.apply', 'cachet.load', 'cachet.publish'],
  },
};

describe.each(cells.map((cell) => [describeCell(cell), cell] as const))('an application on the packed packages: %s', (_label, cell) => {
  it('compiles against the published types; two instances stay coherent over Redis and each transport named (from a URL and from own clients)', async () => {
    const { stories, versions } = await runs.get(cell)!;
    expect(stories).toEqual({
      redis: bothConnections('PONG'),
      ...Object.fromEntries(cell.transports.map((transport) => [transport, expectedStories[transport]])),
    });
    expect(versions).toEqual({
      node: expect.stringMatching(new RegExp(`^v${cell.node}\\.`)),
      typescript: expect.stringMatching(new RegExp(`^${cell.typescript}\\.`)),
      ioredis: cell.ioredis.startsWith('^') ? expect.stringMatching(new RegExp(`^${cell.ioredis.slice(1)}\\.`)) : cell.ioredis,
      ...(cell.transports.includes('nestjs') ? { nest: expect.stringMatching(/^12\./) } : {}),
      ...(cell.transports.includes('nestjs11') ? { nest: expect.stringMatching(/^11\./) } : {}),
    });
  }, 300_000);
});
