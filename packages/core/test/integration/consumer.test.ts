import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// Builds and packs @cachet/core as it would be published, installs the tarball into two fresh projects
// (standard decorators and experimentalDecorators), compiles them with tsc and runs them.
const run = promisify(execFile);
const root = resolve(__dirname, '../../../..');
const fixture = resolve(__dirname, '../fixtures/consumer/main.ts');
const tsc = join(root, 'node_modules/.bin/tsc');
let workspace: string;
let tarball: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cachet-consumer-'));
  await run('pnpm', ['--filter', '@cachet/core', 'run', 'build'], { cwd: root });
  await run('pnpm', ['pack', '--pack-destination', workspace], { cwd: join(root, 'packages/core') });
  const packed = (await readdir(workspace)).find((name) => name.endsWith('.tgz'));
  if (packed === undefined) throw new Error('pnpm pack produced no tarball');
  tarball = join(workspace, packed);
}, 120_000);

afterAll(() => rm(workspace, { recursive: true, force: true }));

async function consumerProject(name: string, experimentalDecorators: boolean): Promise<string> {
  const dir = join(workspace, name);
  await mkdir(join(dir, 'src'), { recursive: true });
  await copyFile(fixture, join(dir, 'src/main.ts'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, private: true, dependencies: { '@cachet/core': `file:${tarball}` } }));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        experimentalDecorators,
        rootDir: 'src',
        outDir: 'dist',
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      include: ['src'],
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir });
  return dir;
}

describe.each([
  ['standard decorators', false],
  ['experimentalDecorators', true],
])('a project consuming the packed @cachet/core with %s', (name, experimentalDecorators) => {
  it('compiles against the published types and caches, invalidates and synchronizes', async () => {
    const dir = await consumerProject(name.replace(/\W/g, '-'), experimentalDecorators);
    await run(tsc, ['-p', 'tsconfig.json'], { cwd: dir });
    const { stdout } = await run('node', ['dist/main.js'], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({
      seen: ['lamp', 'lamp', 'lamp', 'desk', '1:x', '1:x'],
      loads: [2, 2],
      name: 'getProduct',
      length: 1,
    });
  }, 120_000);
});
