import { metrics, type MeterProvider, trace, type TracerProvider } from '@opentelemetry/api';
import { ChannelSubscriptions } from './channel-subscriptions';
import { recordMetrics } from './metrics';
import { ServiceRegistry } from './service-registry';
import { recordSpans } from './spans';

/** Options of {@link instrumentCachet}. */
export interface CachetInstrumentationOptions {
  /**
   * Where the metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()` of `@opentelemetry/api`)
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Where the spans go.
   * @default the global tracer provider (`trace.getTracerProvider()` of `@opentelemetry/api`)
   */
  readonly tracerProvider?: TracerProvider;
}

/** The instrumentation scope of every meter and tracer this package uses. */
export const INSTRUMENTATION_SCOPE = '@cachet/opentelemetry';

/**
 * Turns what every cachet caching service of this process publishes on `node:diagnostics_channel` into
 * OpenTelemetry metrics and spans (names in {@link METRIC_NAMES} and {@link SPAN_NAMES}). Services created
 * before or after are covered alike. Attributes name the service's namespace, the class, method and
 * profile of a call, and never a key or an argument value.
 *
 * Cost: until called, nothing (core publishes only to subscribers). Once called, every hit and miss
 * builds an event and adds to a counter; `pnpm bench` measures it (see the package README).
 *
 * @returns a function that stops the instrumentation (instruments already reported stay with the provider).
 * @example
 * ```ts
 * const stop = instrumentCachet(); // after the OpenTelemetry SDK has registered its global providers
 * // …
 * stop();
 * ```
 */
export function instrumentCachet(options: CachetInstrumentationOptions = {}): () => void {
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const subscriptions = new ChannelSubscriptions();
  recordMetrics(meterProvider.getMeter(INSTRUMENTATION_SCOPE), subscriptions, new ServiceRegistry());
  recordSpans(tracerProvider.getTracer(INSTRUMENTATION_SCOPE), subscriptions);
  return () => subscriptions.stop();
}
