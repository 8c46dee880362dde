import { PostgresSynchronization } from '@cachet/postgres';
import pg from 'pg';
import { failureOf, type Bus } from './bus.js';

/** A connected node-postgres client. */
async function connected(url: string, connectionTimeoutMillis?: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, ...(connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis }) });
  await client.connect();
  return client;
}

/** PostgreSQL LISTEN/NOTIFY: node-postgres `SELECT pg_notify($1, $2)` and `LISTEN`, and `@cachet/postgres`. */
export const postgresBus: Bus = {
  name: 'PostgreSQL',
  urlVariable: 'DATABASE_URL',
  startHint: 'Start PostgreSQL (e.g. Debian\'s `postgresql` package, trust auth, a database `test`) or set DATABASE_URL, then rerun.',
  url: (options) => options.databaseUrl,
  probe: (url) => failureOf(async () => (await connected(url, 1_000)).end()),
  floorName: 'floor: pg_notify → LISTEN → lru.delete',
  rawPubSub: {
    async publisher(url, channel) {
      // A pool of node-postgres' default size, as an application publishes: each NOTIFY an autocommitted statement.
      const pool = new pg.Pool({ connectionString: url });
      await pool.query('SELECT 1');
      return { publish: (key) => pool.query('SELECT pg_notify($1, $2)', [channel, key]), close: () => pool.end() };
    },
    async subscribe(url, channel, onKey) {
      const client = await connected(url);
      client.on('notification', (notification) => onKey(notification.payload ?? ''));
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      return { close: () => client.end() };
    },
  },
  transport: (url, channel) => new PostgresSynchronization({ connection: url, channel }),
};
