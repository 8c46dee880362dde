#!/usr/bin/env node
// Packs every published package and judges each tarball as the registry would serve it: publint (strict),
// Are the Types Wrong (every entry point, node10 resolution included), a LICENSE, source maps whose sources
// are in the tarball, and `sideEffects` entries that exist. Exits non-zero on any problem.
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { packPackages, root } from './pack-packages.mjs';

const run = promisify(execFile);
const bin = (name) => join(root, 'node_modules/.bin', name);

/** Runs a checker; its output becomes the problem when it exits non-zero. */
async function tool(label, file, args) {
  try {
    await run(file, args, { maxBuffer: 16 * 1024 * 1024 });
    return [];
  } catch (error) {
    return [`${label} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`.trimEnd()];
  }
}

async function exists(path) {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Problems with the unpacked package that neither tool looks for. */
async function contentProblems(unpacked) {
  const problems = [];
  if (!(await exists(join(unpacked, 'LICENSE')))) problems.push('no LICENSE in the tarball');
  for (const map of (await filesUnder(unpacked)).filter((file) => file.endsWith('.map'))) {
    const { sources, sourceRoot = '' } = JSON.parse(await readFile(map, 'utf8'));
    for (const source of sources) {
      const target = resolve(dirname(map), sourceRoot, source);
      if (!(await exists(target))) problems.push(`${relative(unpacked, map)} points at ${relative(unpacked, target)}, which is not published`);
    }
  }
  const { sideEffects } = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8'));
  for (const file of Array.isArray(sideEffects) ? sideEffects : []) {
    if (!(await exists(join(unpacked, file)))) problems.push(`sideEffects names ${file}, which is not published`);
  }
  return problems;
}

async function check({ name, tarball }, workspace) {
  const unpacked = join(workspace, name.replace('/', '__'));
  await mkdir(unpacked, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  const problems = (
    await Promise.all([
      contentProblems(unpacked),
      tool('publint', bin('publint'), ['run', tarball, '--strict']),
      tool('attw', bin('attw'), [tarball, '--profile', 'strict', '--no-definitely-typed', '--format', 'ascii', '--no-color']),
    ])
  ).flat();
  return { name, problems };
}

const workspace = await mkdtemp(join(tmpdir(), 'cachet-check-packages-'));
try {
  const results = await Promise.all((await packPackages(workspace)).map((packed) => check(packed, workspace)));
  for (const { name, problems } of results) {
    console.log(problems.length === 0 ? `check-packages: ${name} ok (publint, attw, LICENSE, source maps, sideEffects)` : `check-packages: ${name}:\n  ${problems.join('\n  ')}`);
  }
  if (results.some(({ problems }) => problems.length > 0)) process.exitCode = 1;
} finally {
  await rm(workspace, { recursive: true, force: true });
}
