import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { EVENT_TIMEOUT_MS, waitFor } from './wait-for';

const packages = join(__dirname, '..', '..', '..');

/** Transpiles a package's sources (no type check: `isolatedModules` holds) as its published `dist` would hold them. */
async function transpilePackage(name: string, into: string): Promise<void> {
  const source = join(packages, name, 'src');
  const target = join(into, 'node_modules', '@cachet', name);
  const files = (await readdir(source, { recursive: true })).filter((file) => file.endsWith('.ts'));
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(join(source, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const output = join(target, 'dist', relative(source, join(source, file)).replace(/\.ts$/, '.js'));
    await mkdir(dirname(output), { recursive: true });
    await writeFile(output, outputText);
  }
  await copyFile(join(packages, name, 'package.json'), join(target, 'package.json'));
}

/**
 * The `cachet-redis` command as npm would install it, from this checkout's sources: `@cachet/core` and
 * `@cachet/redis` transpiled into a fresh `node_modules`, their dependencies found through `NODE_PATH`.
 * Never the packages' own `dist`, which other tests rebuild while they pack.
 */
export async function installWatchCommand(): Promise<{ cli: string; env: NodeJS.ProcessEnv }> {
  const root = await mkdtemp(join(tmpdir(), 'cachet-watch-'));
  await Promise.all([transpilePackage('core', root), transpilePackage('redis', root)]);
  const nodePath = [join(packages, 'redis', 'node_modules'), join(packages, 'core', 'node_modules')].join(delimiter);
  return { cli: join(root, 'node_modules', '@cachet', 'redis', 'dist', 'watch', 'cli.js'), env: { ...process.env, NODE_PATH: nodePath } };
}

/** A running `cachet-redis` process and what it printed so far. */
export class WatchProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  private readonly wakers = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(command: { cli: string; env: NodeJS.ProcessEnv }, args: readonly string[]) {
    this.child = spawn(process.execPath, [command.cli, ...args], { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.wakers) wake();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first JSON line printed from now on that satisfies `condition`. */
  async nextLine<T>(description: string, condition: (line: T) => boolean, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
    let from = this.lines.length;
    let found: T | undefined;
    const check = (): boolean => {
      for (; from < this.lines.length; from++) {
        const line = JSON.parse(this.lines[from] as string) as T;
        if (condition(line)) {
          found = line;
          return true;
        }
      }
      return false;
    };
    await waitFor(`${description} (stderr: ${this.stderr || 'empty'})`, check, (wake) => {
      this.wakers.add(wake);
      return () => this.wakers.delete(wake);
    }, timeoutMs);
    return found as T;
  }
}
