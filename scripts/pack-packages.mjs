#!/usr/bin/env node
// Packs every published package (packages/* that is not private) as `pnpm publish` would, into one folder.
// Usage: node scripts/pack-packages.mjs <destination>  (prints the packed tarballs as JSON)
import { execFile } from 'node:child_process';
import { access, readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * pnpm, as the command that runs this script (`pnpm test` sets npm_execpath), or the version
 * `packageManager` pins, through npx. Only pnpm rewrites `workspace:^` ranges when it packs.
 */
export async function pnpmCommand() {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm/.test(execPath)) return { file: process.execPath, args: [execPath] };
  const { packageManager } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  return { file: 'npx', args: ['-y', packageManager] };
}

/** The published packages' folders and manifests, `@cachet/core` first. */
export async function publishedPackages() {
  const folders = await readdir(join(root, 'packages'));
  const packages = [];
  for (const folder of folders) {
    const dir = join(root, 'packages', folder);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (manifest.private !== true) packages.push({ dir, manifest });
  }
  return packages.sort((a, b) => Number(b.manifest.name === '@cachet/core') - Number(a.manifest.name === '@cachet/core'));
}

/**
 * Packs each published package into `destination` (its `prepack` rebuilds `dist`): `@cachet/core` first,
 * then the others side by side, since they build against core's `dist`.
 * @returns the package names, folders and tarballs' paths.
 */
export async function packPackages(destination) {
  const pnpm = await pnpmCommand();
  const pack = async ({ dir, manifest }) => {
    await run(pnpm.file, [...pnpm.args, 'pack', '--pack-destination', destination], { cwd: dir });
    const tarball = join(destination, `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    await access(tarball);
    return { name: manifest.name, dir, tarball };
  };
  const [core, ...dependents] = await publishedPackages();
  return [await pack(core), ...(await Promise.all(dependents.map(pack)))];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const destination = process.argv[2];
  if (destination === undefined) {
    console.error('usage: node scripts/pack-packages.mjs <destination>');
    process.exit(2);
  }
  console.log(JSON.stringify(await packPackages(resolve(destination))));
}
