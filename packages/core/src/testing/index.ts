// @cachet/core/testing: what transport packages and applications use to test against cachet.
export { FaultInjectingTransport } from './fault-injecting-transport';
export { ManualScheduler } from './manual-scheduler';
export { MemorySecondLevel, type MemorySecondLevelOptions } from './memory-second-level';
export { nextEvent } from './next-event';
export { describeSecondLevelConformance, type SecondLevelConformanceOptions } from './second-level-conformance';
export { describeTransportConformance, type TransportConformanceOptions, type TransportFaults } from './transport-conformance';
