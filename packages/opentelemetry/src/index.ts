// The public API of @cachet/opentelemetry: named exports only.
export { ATTRIBUTES } from './attributes';
export { type CachetInstrumentationOptions, INSTRUMENTATION_SCOPE, instrumentCachet } from './instrument-cachet';
export { METRIC_NAMES } from './metrics';
export { SPAN_NAMES } from './spans';
