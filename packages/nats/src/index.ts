export { NatsSynchronization } from './nats-synchronization';
export type { NatsConnectionOptions, NatsServersOptions, NatsSynchronizationOptions } from './nats-synchronization-options';
export { DEFAULT_SUBJECT } from './nats-synchronization-options';
export { DEFAULT_MAX_PAYLOAD_BYTES } from './nats-transport-connection';
export { NatsConnectionLostError, NatsSynchronizationOptionError } from './errors';
