// @cachet/core/testing: what transport packages and applications use to test against cachet.
export { FaultInjectingTransport } from './fault-injecting-transport';
export { ManualScheduler } from './manual-scheduler';
export { nextEvent } from './next-event';
export { describeTransportConformance, type TransportConformanceOptions } from './transport-conformance';
