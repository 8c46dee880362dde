import { describeTransportConformance, type TransportConformanceOptions } from '@cachet/core/testing';
import { NatsSynchronization } from '@cachet/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { assertNatsReachable, NATS_URL } from '../support/nats-url';
import { PrivateNatsServer } from '../support/private-nats-server';

let server: PrivateNatsServer;
const userConnections: NatsConnection[] = [];

beforeAll(async () => {
  await assertNatsReachable();
  server = await PrivateNatsServer.start();
});
afterAll(() => server?.stop());

async function userConnection(url: string): Promise<NatsConnection> {
  const connection = await connect({ servers: url });
  userConnections.push(connection);
  return connection;
}

async function closeUserConnections(): Promise<void> {
  await Promise.all(userConnections.splice(0).map((connection) => connection.close()));
}

/**
 * The suite against the shared server, then against a private one with its outage cases: killing the
 * server cuts every transport on it (the suite allows a cut of the whole bus) and starting it again on the
 * same port heals, while the shared server is never stopped.
 */
function describeOnSharedAndPrivateServer(name: string, create: (url: string, bus: string) => Promise<NatsSynchronization>, afterEach?: () => Promise<void>): void {
  const shared: TransportConformanceOptions = { createTransport: (bus) => create(NATS_URL, bus), ...(afterEach && { afterEach }) };
  describeTransportConformance(name, shared);
  describeTransportConformance(`${name}, on a private server killed and restarted`, {
    ...shared,
    createTransport: (bus) => create(server.url, bus),
    faults: {
      createTransport: (bus) => create(server.url, bus),
      cut: () => server.stop(),
      heal: () => server.restart(),
    },
  });
}

describeOnSharedAndPrivateServer('NatsSynchronization', async (servers, subject) => new NatsSynchronization({ servers, subject }));

// A connection the application opened: cachet subscribes on it and never closes it.
describeOnSharedAndPrivateServer(
  'NatsSynchronization over a connection the application gave',
  async (url, subject) => new NatsSynchronization({ connection: await userConnection(url), subject }),
  closeUserConnections,
);
