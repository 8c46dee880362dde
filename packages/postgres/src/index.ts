export { PostgresSynchronization } from './postgres-synchronization';
export type { PostgresConnection, PostgresSynchronizationOptions } from './postgres-synchronization-options';
export { DEFAULT_CHANNEL } from './postgres-synchronization-options';
export { MAX_PAYLOAD_BYTES } from './postgres-transport-connection';
export { PostgresListenerLostError, PostgresSynchronizationOptionError } from './errors';
