import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, type DataPoint, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentCachet } from '@cachet/opentelemetry';

/** The real OpenTelemetry SDK with in-memory exporters, cachet instrumented into it. */
export class Telemetry {
  readonly metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  readonly spanExporter = new InMemorySpanExporter();
  /** Exports only when asked ({@link Telemetry.points}): the interval is never reached in a test. */
  private readonly reader = new PeriodicExportingMetricReader({ exporter: this.metricExporter, exportIntervalMillis: 3_600_000 });
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.spanExporter)] });
  private readonly contextManager = new AsyncLocalStorageContextManager().enable();
  readonly stop: () => void;

  constructor() {
    context.setGlobalContextManager(this.contextManager);
    this.stop = instrumentCachet({ meterProvider: this.meterProvider, tracerProvider: this.tracerProvider });
  }

  /** The data points of one metric, collected now; `[]` when it has none. */
  async points(name: string): Promise<DataPoint<unknown>[]> {
    this.metricExporter.reset();
    await this.reader.forceFlush();
    const metrics = this.metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    return metrics.filter((metric) => metric.descriptor.name === name).flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
  }

  /** `[attributes, value]` of each point of a counter or gauge, for `toEqual` with `arrayContaining`. */
  async values(name: string): Promise<[Attributes, unknown][]> {
    return (await this.points(name)).map((point) => [point.attributes, point.value]);
  }

  /** The finished spans whose name starts with `prefix`. */
  spans(prefix: string): ReadableSpan[] {
    return this.spanExporter.getFinishedSpans().filter((span) => span.name.startsWith(prefix));
  }

  async shutdown(): Promise<void> {
    this.stop();
    await Promise.all([this.meterProvider.shutdown(), this.tracerProvider.shutdown()]);
    context.disable();
    this.contextManager.disable();
  }
}
