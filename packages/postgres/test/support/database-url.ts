import { Client, Pool } from 'pg';

/** The shared PostgreSQL the integration tests use: `DATABASE_URL`, or a local server with trust auth and a `test` database. */
export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Fails (never skips) when the shared PostgreSQL does not answer, saying how to get one. Call it in `beforeAll`. */
export async function assertPostgresReachable(url: string = DATABASE_URL): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url} (${(error as Error).message}): run .ci/run (it installs and starts Debian's postgresql), ` +
        'or start one with trust auth and a database named test, or set DATABASE_URL.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** The same URL, through a proxy listening on `port`. */
export function urlThrough(port: number): string {
  const url = new URL(DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** Pools an application would own: with an error handler, as node-postgres requires, and ended after each test. */
export class ApplicationPools {
  readonly #pools: Pool[] = [];

  create(connectionString: string): Pool {
    const pool = new Pool({ connectionString });
    pool.on('error', () => {});
    this.#pools.push(pool);
    return pool;
  }

  async endAll(): Promise<void> {
    await Promise.all(this.#pools.splice(0).map((pool) => pool.end()));
  }
}
