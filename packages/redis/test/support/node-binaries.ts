import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A Node.js binary of one major version: this process's own when it is that version, otherwise the npm
 * package `node-<platform>-<arch>@<major>` (the official build, republished on the registry), installed
 * once into `cacheDir` and reused by later runs.
 */
export async function nodeBinary(major: number, cacheDir: string): Promise<string> {
  if (process.versions.node.split('.')[0] === String(major)) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(cacheDir, `node-${major}`);
  const binary = join(prefix, 'node_modules', pkg, 'bin', 'node');
  const installed = await access(binary).then(
    () => true,
    () => false,
  );
  if (!installed) {
    await mkdir(prefix, { recursive: true });
    try {
      await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `${pkg}@${major}`]);
    } catch (error) {
      throw new Error(`Could not install Node ${major} from the npm package ${pkg}@${major} (needs the npm registry): ${String(error)}`, { cause: error });
    }
  }
  return binary;
}
