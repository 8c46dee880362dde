#!/usr/bin/env node
// Checks that @cachet/core's folders import downwards only, and that no folders import each other in a
// circle. Every import counts: `import`, `import type`, `export … from`, side-effect and dynamic imports.
// Usage: node scripts/check-layers.mjs [src directory]   (exit code 1, listing each offending edge and cycle, on failure)
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ts = createRequire(import.meta.url)('typescript');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The sources checked; another tree (an older checkout, say) can be given as the first argument. */
const source = process.argv[2] === undefined ? join(root, 'packages/core/src') : resolve(process.argv[2]);

/** Left to right: a folder imports only from folders in a later group. Folders of one group are peers. */
const LAYERS = [['decorators'], ['service'], ['sync', 'backends', 'keys'], ['errors']];
/** Folders (and top-level files) that may import anything, and that nothing layered may import. */
const UNLAYERED = new Set(['testing', 'index']);

const layerOf = new Map(LAYERS.flatMap((group, index) => group.map((folder) => [folder, index])));

function sourceFiles(directory) {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `service` for `service/local-cache.ts`, `errors` for `errors.ts`. */
function folderOf(file) {
  const [first, ...rest] = relative(source, file).split(sep);
  return rest.length > 0 ? first : first.replace(/\.(m|c)?tsx?$/, '');
}

/** Edges between folders, each with the file imports that make it: `from → to → ['a.ts → b']`. */
const edges = new Map();
for (const file of sourceFiles(source)) {
  const from = folderOf(file);
  for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = resolve(dirname(file), fileName);
    if (relative(source, target).startsWith('..')) continue;
    const to = folderOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const byTarget = edges.get(from);
    if (!byTarget.has(to)) byTarget.set(to, []);
    byTarget.get(to).push(`${relative(source, file)} imports ${fileName}`);
  }
}

const problems = [];
const describe = (from, to) => edges.get(from).get(to).map((line) => `      ${line}`).join('\n');

for (const [from, targets] of edges) {
  for (const to of targets.keys()) {
    if (UNLAYERED.has(from)) continue;
    let reason;
    if (!layerOf.has(from)) reason = `${from}/ is in no layer: add it to LAYERS in scripts/check-layers.mjs`;
    else if (UNLAYERED.has(to)) reason = `${to} is for users of the package, not for its own folders`;
    else if (!layerOf.has(to)) reason = `${to}/ is in no layer: add it to LAYERS in scripts/check-layers.mjs`;
    else if (layerOf.get(to) < layerOf.get(from)) reason = `${to}/ comes before ${from}/ in ${LAYERS.map((group) => group.join('/')).join(' → ')}`;
    if (reason !== undefined) problems.push(`  ${from} → ${to}: ${reason}\n${describe(from, to)}`);
  }
}

// Folder-level cycles: Tarjan's strongly connected components; each one of more than one folder is a knot.
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
let counter = 0;
function connect(folder) {
  index.set(folder, counter);
  low.set(folder, counter++);
  stack.push(folder);
  onStack.add(folder);
  for (const next of edges.get(folder)?.keys() ?? []) {
    if (!index.has(next)) {
      connect(next);
      low.set(folder, Math.min(low.get(folder), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(folder, Math.min(low.get(folder), index.get(next)));
    }
  }
  if (low.get(folder) !== index.get(folder)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(member);
  } while (member !== folder);
  if (component.length > 1) components.push(component.sort());
}
for (const folder of [...edges.keys()].sort()) if (!index.has(folder)) connect(folder);

for (const component of components) {
  const inside = new Set(component);
  const lines = component.flatMap((from) => [...(edges.get(from)?.keys() ?? [])].filter((to) => inside.has(to)).map((to) => `    ${from} → ${to}\n${describe(from, to)}`));
  problems.push(`  cycle between ${component.join(', ')}:\n${lines.join('\n')}`);
}

if (problems.length > 0) {
  console.error(`check-layers: ${relative(root, source)} breaks its layering (${LAYERS.map((group) => group.join('/')).join(' → ')}):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-layers: ${relative(root, source)} imports downwards only (${LAYERS.map((group) => group.join('/')).join(' → ')}), no cycles.`);
