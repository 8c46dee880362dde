import { connect } from '@nats-io/transport-node';

/** The shared NATS server the integration tests use: `NATS_URL`, or a local server on the default port. */
export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Fails (never skips) when the shared NATS server does not answer, saying how to get one. Call it in `beforeAll`. */
export async function assertNatsReachable(url: string = NATS_URL): Promise<void> {
  try {
    const nats = await connect({ servers: url, timeout: 2_000, maxReconnectAttempts: 0 });
    await nats.close();
  } catch (error) {
    throw new Error(
      `NATS is not reachable at ${url} (${(error as Error).message}): start one with \`nats-server -a 127.0.0.1 -p 4222\` ` +
        '(Debian/Ubuntu: `apt-get install nats-server`) or set NATS_URL.',
      { cause: error },
    );
  }
}

/** A subject no other test uses, so parallel test files never hear each other. */
export function uniqueSubject(label: string): string {
  return `cachet-test.${label}.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
}
