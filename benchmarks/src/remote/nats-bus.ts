import { NatsSynchronization } from '@cachet/nats';
import { connect } from '@nats-io/transport-node';
import { failureOf, type Bus } from './bus.js';

/** Core NATS: `publish` and `subscribe` of `@nats-io/transport-node`, and `@cachet/nats`. */
export const natsBus: Bus = {
  name: 'NATS',
  urlVariable: 'NATS_URL',
  startHint: 'Start a NATS server (e.g. `nats-server -a 127.0.0.1 -p 4222`) or set NATS_URL, then rerun.',
  url: (options) => options.natsUrl,
  probe: (url) => failureOf(async () => (await connect({ servers: url, timeout: 1_000, reconnect: false })).close()),
  floorName: 'floor: NATS publish → subscribe → lru.delete',
  rawPubSub: {
    async publisher(url, channel) {
      const connection = await connect({ servers: url });
      // Core NATS publishing has no reply to await: publish() queues the message and the client writes it out.
      return { publish: async (key) => connection.publish(channel, key), close: () => connection.close() };
    },
    async subscribe(url, channel, onKey) {
      const connection = await connect({ servers: url });
      connection.subscribe(channel, { callback: (_error, message) => onKey(message.string()) });
      // The SUB reaches the server before the PONG of this flush: the subscription is live once it resolves.
      await connection.flush();
      return { close: () => connection.close() };
    },
  },
  transport: (url, channel) => new NatsSynchronization({ servers: url, subject: channel }),
};
