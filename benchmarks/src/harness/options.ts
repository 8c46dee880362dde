/** What the command line and the environment ask of a benchmark run. */
export interface BenchOptions {
  /** Run every scenario briefly: a smoke test whose figures mean little. */
  readonly quick: boolean;
  /** Scenario names to run; empty means all. */
  readonly only: readonly string[];
  /** Redis server for the cross-process scenarios. */
  readonly redisUrl: string;
}

/**
 * Reads `--quick`, `--only=name[,name]` and `REDIS_URL` (default `redis://127.0.0.1:6379`).
 *
 * @throws Error naming the argument when an unknown flag is passed.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let quick = false;
  const only: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(',').filter(Boolean));
    else if (arg !== '--') throw new Error(`Unknown argument "${arg}": use --quick and/or --only=hit-path,stampede,...`);
  }
  return { quick, only, redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379' };
}
