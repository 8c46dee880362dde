import type { TransportConnection } from '@cachet/core';
import type { RedisSynchronization } from '@cachet/redis';
import { RecordingListener } from './recording-listener';
import { UnhandledErrors } from './unhandled-errors';

/**
 * Gives a file's tests a `connect` that opens a transport connection with a recording listener; every
 * connection is closed after each test, and a test that lets an error escape unhandled fails.
 */
export function useOpenConnections(): (transport: RedisSynchronization, listener?: RecordingListener) => Promise<{ connection: TransportConnection; listener: RecordingListener }> {
  const unhandled = new UnhandledErrors();
  const open: TransportConnection[] = [];
  beforeEach(() => unhandled.start());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    expect(unhandled.stop()).toEqual([]);
  });
  return async (transport, listener = new RecordingListener()) => {
    const connection = await transport.connect(listener);
    open.push(connection);
    return { connection, listener };
  };
}
