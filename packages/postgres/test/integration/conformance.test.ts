import { describeTransportConformance, type TransportFaults } from '@cachet/core/testing';
import { PostgresSynchronization, type PostgresConnection } from '@cachet/postgres';
import { TcpProxy } from '../../../redis/test/support/tcp-proxy';
import { ApplicationPools, assertPostgresReachable, DATABASE_URL, urlThrough } from '../support/database-url';

let proxy: TcpProxy;
const pools = new ApplicationPools();

beforeAll(async () => {
  await assertPostgresReachable();
  proxy = await TcpProxy.start(Number(new URL(DATABASE_URL).port || 5432));
});
afterAll(() => proxy.close());

/** Outages of the shared PostgreSQL as seen through a proxy: every connection through it goes silent, and new ones hang. */
function faultsThroughProxy(connection: () => PostgresConnection): TransportFaults {
  return {
    createTransport: (bus) => new PostgresSynchronization({ connection: connection(), channel: bus }),
    cut: () => proxy.blackhole({ newConnections: 'hang' }),
    heal: () => proxy.heal('reset'),
  };
}

describeTransportConformance('PostgresSynchronization', {
  createTransport: (bus) => new PostgresSynchronization({ connection: DATABASE_URL, channel: bus }),
  faults: faultsThroughProxy(() => urlThrough(proxy.port)),
});

// A pool the application passes in: cachet publishes through it and opens its own listening client.
describeTransportConformance('PostgresSynchronization over a pool the application gave', {
  createTransport: (bus) => new PostgresSynchronization({ connection: pools.create(DATABASE_URL), channel: bus }),
  faults: faultsThroughProxy(() => pools.create(urlThrough(proxy.port))),
  afterEach: () => pools.endAll(),
});

/** node-postgres client options for the server at `url`: the third way to say where PostgreSQL is. */
function optionsOf(url: string): PostgresConnection {
  const { hostname, port, username, password, pathname } = new URL(url);
  const decoded = (part: string): string | undefined => decodeURIComponent(part) || undefined;
  return { host: hostname, port: Number(port || 5432), user: decoded(username), password: decoded(password), database: decoded(pathname.slice(1)) };
}

describeTransportConformance('PostgresSynchronization from node-postgres options', {
  createTransport: (bus) => new PostgresSynchronization({ connection: optionsOf(DATABASE_URL), channel: bus }),
  faults: faultsThroughProxy(() => optionsOf(urlThrough(proxy.port))),
});
