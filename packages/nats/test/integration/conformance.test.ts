import { describeTransportConformance, type TransportConformanceOptions } from '@cachet/core/testing';
import { NatsSynchronization } from '@cachet/nats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { assertNatsReachable, NATS_URL } from '../support/nats-url';
import { PrivateNatsServer } from '../support/private-nats-server';

let killable: PrivateNatsServer;
let steady: PrivateNatsServer;
const userConnections: NatsConnection[] = [];

beforeAll(async () => {
  await assertNatsReachable();
  [killable, steady] = await PrivateNatsServer.startRoutedPair();
});
afterAll(() => Promise.all([killable?.stop(), steady?.stop()]));

async function userConnection(url: string): Promise<NatsConnection> {
  const connection = await connect({ servers: url });
  userConnections.push(connection);
  return connection;
}

async function closeUserConnections(): Promise<void> {
  await Promise.all(userConnections.splice(0).map((connection) => connection.close()));
}

/**
 * The suite against the shared server, then against a private cluster of two with its outage cases: the
 * transports behind the fault use the server that is killed (cut) and started again on the same port
 * (heal), the others the one that keeps running, as when one NATS node of several crashes. The shared
 * server is never stopped.
 */
function describeOnSharedAndPrivateServer(name: string, create: (url: string, bus: string) => Promise<NatsSynchronization>, afterEach?: () => Promise<void>): void {
  const shared: TransportConformanceOptions = { createTransport: (bus) => create(NATS_URL, bus), ...(afterEach && { afterEach }) };
  describeTransportConformance(name, shared);
  describeTransportConformance(`${name}, on a private cluster, one of its servers killed and restarted`, {
    ...shared,
    createTransport: (bus) => create(steady.url, bus),
    faults: {
      createTransport: (bus) => create(killable.url, bus),
      cut: () => killable.stop(),
      heal: () => killable.restart(),
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
