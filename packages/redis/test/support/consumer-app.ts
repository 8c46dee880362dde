import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execute = promisify(execFile);

/** Runs a command; when it fails, the error says which step failed and carries the command's output. */
async function run(step: string, file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  try {
    return await execute(file, args, options);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${step} failed: ${file} ${args.join(' ')}\n${stdout}${stderr}`.trimEnd(), { cause: error });
  }
}
const fixtures = resolve(__dirname, '../fixtures/consumer');
/** The Nest application of the NestJS story, which @cachet/nestjs's own tests also run. */
const nestCatalogue = resolve(__dirname, '../../../nestjs/test/fixtures/nestjs-catalogue.ts');

/** One application of the consumer matrix: how it is built and what it runs on. */
export interface ConsumerCell {
  readonly module: 'ESM' | 'CommonJS';
  readonly decorators: 'standard decorators' | 'experimentalDecorators';
  /** The TypeScript major version: its latest release is installed. */
  readonly typescript: 6 | 7;
  /** `ioredis` as an npm range: a major's latest (`^6`) or one exact version (`5.3.0`). */
  readonly ioredis: `^${number}` | `${number}.${number}.${number}`;
  readonly node: 20 | 22 | 24;
  /** The other transports whose story the application also runs, besides Redis. */
  readonly transports: readonly Transport[];
}

/** The packed tarballs, by package. */
export interface Tarballs {
  readonly core: string;
  readonly redis: string;
  readonly azure: string;
  readonly postgres: string;
  readonly nats: string;
  readonly nestjs: string;
  readonly opentelemetry: string;
}

/** Where the applications find their servers. */
export interface Servers {
  readonly redisUrl: string;
  /** The Service Bus test peer's connection string, for cells that run the Azure story. */
  readonly serviceBus: string;
  readonly databaseUrl: string;
  readonly natsUrl: string;
}

/** A transport's package and peers as an application installs them, its fixture, and its name in test names. */
interface TransportSetup {
  readonly label: string;
  readonly dependencies: (tarballs: Tarballs) => Record<string, string>;
  readonly devDependencies: Record<string, string>;
  /** The story's fixture, when it is not the one named as the transport. */
  readonly fixture?: string;
}

/** The Nest module's story with one major of Nest. */
function nest(major: string, range: string): TransportSetup {
  return {
    label: `NestJS ${major}`,
    dependencies: (tarballs) => ({
      '@cachet/nestjs': `file:${tarballs.nestjs}`,
      '@nestjs/common': range,
      '@nestjs/core': range,
      '@nestjs/platform-express': range,
      'reflect-metadata': '^0.2.2',
      rxjs: '^7.8.2',
    }),
    devDependencies: {},
    fixture: 'nestjs',
  };
}

const transports = {
  azure: {
    label: 'Azure Service Bus',
    dependencies: (tarballs) => ({ '@cachet/azure-service-bus': `file:${tarballs.azure}`, '@azure/service-bus': '^7.9.5' }),
    devDependencies: {},
  },
  postgres: {
    label: 'PostgreSQL',
    dependencies: (tarballs) => ({ '@cachet/postgres': `file:${tarballs.postgres}`, pg: '^8.23.1' }),
    devDependencies: { '@types/pg': '^8.23.1' },
  },
  nats: {
    label: 'NATS',
    dependencies: (tarballs) => ({ '@cachet/nats': `file:${tarballs.nats}`, '@nats-io/transport-node': '^3.4.0', '@nats-io/nats-core': '^3.4.0' }),
    devDependencies: {},
  },
  // Not a transport: the OpenTelemetry instrumentation, with the SDK, in its own story over Redis.
  opentelemetry: {
    label: 'OpenTelemetry',
    dependencies: (tarballs) => ({
      '@cachet/opentelemetry': `file:${tarballs.opentelemetry}`,
      '@opentelemetry/api': '~1.9.0',
      '@opentelemetry/sdk-metrics': '^2.12.1',
      '@opentelemetry/sdk-trace-base': '^2.12.1',
    }),
    devDependencies: {},
  },
  // Not a transport: the Nest module, in its own story over Redis; for experimentalDecorators cells only.
  nestjs: nest('12', '^12.6.3'),
  nestjs11: nest('11', '^11.2.12'),
} satisfies Record<string, TransportSetup>;

/** A story besides Redis's: another transport, or the Nest module; its story is the fixture of the same name. */
export type Transport = keyof typeof transports;

/** What a consumer application printed, and the versions it was really built and run with. */
export interface ConsumerRun {
  /** What each story printed: `redis`, and each of the cell's other transports. */
  readonly stories: Readonly<Partial<Record<'redis' | Transport, unknown>>>;
  readonly versions: { readonly node: string; readonly typescript: string; readonly ioredis: string; readonly nest?: string };
}

/** A label naming every setting of the cell, for test names. */
export function describeCell(cell: ConsumerCell): string {
  const others = cell.transports.map((transport) => `, ${transports[transport].label}`).join('');
  return `${cell.module}, ${cell.decorators}, TypeScript ${cell.typescript}, ioredis ${cell.ioredis}, Node ${cell.node}${others}`;
}

function merged(records: readonly Record<string, string>[]): Record<string, string> {
  return Object.fromEntries(records.flatMap((record) => Object.entries(record)));
}

async function installedVersion(app: string, pkg: string): Promise<string> {
  return (JSON.parse(await readFile(join(app, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Creates a fresh application in `dir` that depends on the packed tarballs as a user's would, installs it
 * with npm, compiles the fixture with the cell's TypeScript and runs its stories with the cell's Node.
 */
export async function buildAndRun(cell: ConsumerCell, dir: string, tarballs: Tarballs, node: string, servers: Servers): Promise<ConsumerRun> {
  const setups = cell.transports.map((transport): TransportSetup => transports[transport]);
  const entries = ['main', ...cell.transports.map((transport, index) => setups[index]?.fixture ?? transport)];
  await mkdir(join(dir, 'src'), { recursive: true });
  const support = [join(fixtures, 'scenario.ts'), ...(entries.includes('nestjs') ? [nestCatalogue] : [])];
  for (const file of [...support, ...entries.map((entry) => join(fixtures, `${entry}.ts`))]) await copyFile(file, join(dir, 'src', basename(file)));
  const manifest = {
    name: 'cachet-consumer',
    private: true,
    type: cell.module === 'ESM' ? 'module' : 'commonjs',
    dependencies: {
      '@cachet/core': `file:${tarballs.core}`,
      '@cachet/redis': `file:${tarballs.redis}`,
      ioredis: cell.ioredis,
      ...merged(setups.map((setup) => setup.dependencies(tarballs))),
    },
    devDependencies: {
      typescript: `^${cell.typescript}`,
      '@types/node': `^${cell.node}`,
      // ioredis 6's declarations import `redis-errors` but do not depend on its types (see the package README).
      ...(cell.ioredis.replace('^', '').split('.')[0] === '6' ? { '@types/redis-errors': '^1.2.1' } : {}),
      ...merged(setups.map((setup) => setup.devDependencies)),
    },
  };
  const legacy = cell.decorators === 'experimentalDecorators';
  const compilerOptions = {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: false,
    ...(legacy ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {}),
    rootDir: 'src',
    outDir: 'dist',
    types: ['node'],
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2));
  await run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir });
  await run('Compiling', node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: dir });
  const env = {
    ...process.env,
    REDIS_URL: servers.redisUrl,
    SERVICE_BUS_CONNECTION_STRING: servers.serviceBus,
    DATABASE_URL: servers.databaseUrl,
    NATS_URL: servers.natsUrl,
  };
  const story = async (entry: string) => JSON.parse((await run(`Running ${entry}`, node, [`dist/${entry}.js`], { cwd: dir, env, timeout: 60_000 })).stdout) as unknown;
  const [redis, ...others] = await Promise.all(entries.map(story));
  const stories = Object.fromEntries([['redis', redis], ...cell.transports.map((transport, index) => [transport, others[index]])]) as ConsumerRun['stories'];
  const nestInstalled = entries.includes('nestjs');
  const versions = {
    node: (await run('Node', node, ['--version'])).stdout.trim(),
    typescript: await installedVersion(dir, 'typescript'),
    ioredis: await installedVersion(dir, 'ioredis'),
    ...(nestInstalled ? { nest: await installedVersion(dir, '@nestjs/core') } : {}),
  };
  return { stories, versions };
}
