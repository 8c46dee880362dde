/** What the command line and the environment ask of a benchmark run. */
export interface BenchOptions {
  /** Run every scenario briefly: a smoke test whose figures mean little. */
  readonly quick: boolean;
  /** Scenario names to run; empty means all. */
  readonly only: readonly string[];
  /** Redis server for the cross-process scenarios. */
  readonly redisUrl: string;
  /** PostgreSQL server for the cross-process scenarios. */
  readonly databaseUrl: string;
  /** NATS server for the cross-process scenarios. */
  readonly natsUrl: string;
  /** Instance counts the instance-count scenario sweeps. */
  readonly instanceCounts: readonly number[];
  /** Length of each idle window of the instance-count scenario, in seconds. */
  readonly windowSeconds: number;
  /** Label under which the instance-count scenario records its figures (results/instance-count.json), if any. */
  readonly record: string | undefined;
}

const DEFAULT_INSTANCE_COUNTS = [10, 50, 200];
const QUICK_INSTANCE_COUNTS = [10, 50];

/** Reads a list of instance counts such as `10,50,200`, from `source` (a flag or a variable) for the error message. */
function instanceCounts(text: string, source: string): number[] {
  const counts = text.split(',').filter(Boolean).map(Number);
  if (counts.length === 0 || counts.some((count) => !Number.isInteger(count) || count < 2)) {
    throw new Error(`${source} expects instance counts of at least 2 separated by commas, such as 10,50,200; got "${text}"`);
  }
  return counts;
}

function positiveNumber(text: string, source: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${source} expects a positive number, got "${text}"`);
  return value;
}

/**
 * Reads `--quick`, `--only=name[,name]`, `REDIS_URL` (default `redis://127.0.0.1:6379`), `DATABASE_URL`
 * (default `postgres://postgres@127.0.0.1:5432/test`), `NATS_URL` (default `nats://127.0.0.1:4222`), and for the
 * instance-count scenario `--instances=10,50,200` (or `BENCH_INSTANCES`), `--window=<seconds>` and
 * `--record=<label>`.
 *
 * @throws Error naming the argument when an unknown flag is passed.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let quick = false;
  const only: string[] = [];
  const envCounts = env['BENCH_INSTANCES'];
  let counts = envCounts === undefined ? undefined : instanceCounts(envCounts, 'BENCH_INSTANCES');
  let windowSeconds: number | undefined;
  let record: string | undefined;
  for (const arg of argv) {
    const [flag, value = ''] = arg.split('=', 2);
    if (arg === '--quick') quick = true;
    else if (flag === '--only') only.push(...value.split(',').filter(Boolean));
    else if (flag === '--instances') counts = instanceCounts(value, flag);
    else if (flag === '--window') windowSeconds = positiveNumber(value, flag);
    else if (flag === '--record' && /^[\w-]+$/.test(value)) record = value;
    else if (arg !== '--') {
      throw new Error(`Unknown argument "${arg}": use --quick, --only=hit-path,stampede,..., --instances=10,50,200, --window=<seconds>, --record=<label>`);
    }
  }
  return {
    quick,
    only,
    redisUrl: env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    databaseUrl: env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    natsUrl: env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
    instanceCounts: counts ?? (quick ? QUICK_INSTANCE_COUNTS : DEFAULT_INSTANCE_COUNTS),
    windowSeconds: windowSeconds ?? (quick ? 3 : 15),
    record,
  };
}
