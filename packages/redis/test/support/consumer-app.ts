import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
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
const fixture = resolve(__dirname, '../fixtures/consumer/main.ts');

/** One application of the consumer matrix: how it is built and what it runs on. */
export interface ConsumerCell {
  readonly module: 'ESM' | 'CommonJS';
  readonly decorators: 'standard decorators' | 'experimentalDecorators';
  /** The TypeScript major version: its latest release is installed. */
  readonly typescript: 6 | 7;
  /** `ioredis` as an npm range: a major's latest (`^6`) or one exact version (`5.0.0`). */
  readonly ioredis: `^${number}` | `${number}.${number}.${number}`;
  readonly node: 20 | 22 | 24;
}

/** What a consumer application printed, and the versions it was really built and run with. */
export interface ConsumerRun {
  readonly output: unknown;
  readonly versions: { readonly node: string; readonly typescript: string; readonly ioredis: string };
}

/** A label naming every setting of the cell, for test names and folder names. */
export function describeCell(cell: ConsumerCell): string {
  return `${cell.module}, ${cell.decorators}, TypeScript ${cell.typescript}, ioredis ${cell.ioredis}, Node ${cell.node}`;
}

async function installedVersion(app: string, pkg: string): Promise<string> {
  return (JSON.parse(await readFile(join(app, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Creates a fresh application in `dir` that depends on the packed tarballs as a user's would, installs it
 * with npm, compiles the fixture with the cell's TypeScript and runs it with the cell's Node against `redisUrl`.
 */
export async function buildAndRun(
  cell: ConsumerCell,
  dir: string,
  tarballs: { readonly core: string; readonly redis: string },
  node: string,
  redisUrl: string,
): Promise<ConsumerRun> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await copyFile(fixture, join(dir, 'src/main.ts'));
  const manifest = {
    name: 'cachet-consumer',
    private: true,
    type: cell.module === 'ESM' ? 'module' : 'commonjs',
    dependencies: { '@cachet/core': `file:${tarballs.core}`, '@cachet/redis': `file:${tarballs.redis}`, ioredis: cell.ioredis },
    devDependencies: {
      typescript: `^${cell.typescript}`,
      '@types/node': `^${cell.node}`,
      // ioredis 6's declarations import `redis-errors` but do not depend on its types (see the package README).
      ...(cell.ioredis.replace('^', '').split('.')[0] === '6' ? { '@types/redis-errors': '^1.2.1' } : {}),
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
  const { stdout } = await run('Running', node, ['dist/main.js'], { cwd: dir, env: { ...process.env, REDIS_URL: redisUrl }, timeout: 60_000 });
  const versions = {
    node: (await run('Node', node, ['--version'])).stdout.trim(),
    typescript: await installedVersion(dir, 'typescript'),
    ioredis: await installedVersion(dir, 'ioredis'),
  };
  return { output: JSON.parse(stdout) as unknown, versions };
}
