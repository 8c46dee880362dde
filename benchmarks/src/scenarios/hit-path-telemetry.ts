import { metrics } from '@opentelemetry/api';
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { instrumentCachet } from '@cachet/opentelemetry';
import { compileLoop } from '../harness/compiled-loop.js';
import { formatNs, formatRatio, formatSpread } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { timeInterleaved, type Contender, type Timing } from '../harness/rounds.js';
import type { Table } from '../harness/table.js';
import { cachet, floor, type UserQuery } from '../subjects/index.js';
import { CASES, prime, queries } from './hit-path.js';
import type { Scenario } from './scenario.js';

const KEYS = 1_000;
const NOTHING_SUBSCRIBED = 'cachet @Cache, nothing subscribed';
const INSTRUMENTED = 'cachet @Cache + @cachet/opentelemetry';

/**
 * `instrumentCachet()` into the real OpenTelemetry SDK, for the duration of one batch: the channels are
 * process-wide, so the instrumentation is on only while the instrumented row runs, and the other rows of
 * the same rounds run with nothing subscribed.
 */
function instrumentedBatches(loop: (iterations: number) => void | Promise<void>): Contender['run'] {
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 })] });
  const tracerProvider = new BasicTracerProvider();
  return async (iterations) => {
    const stop = instrumentCachet({ meterProvider, tracerProvider });
    try {
      await loop(iterations);
    } finally {
      stop();
    }
  };
}

/**
 * Scenario: what `@cachet/opentelemetry` costs on a cache hit (each hit publishes one event and adds one
 * to the `cache.requests` counter of the real SDK), against cachet with nothing subscribed and the floor,
 * interleaved in one run.
 */
export const hitPathTelemetry: Scenario = {
  name: 'hit-path-telemetry',
  async run(options: BenchOptions): Promise<Table[]> {
    const args: UserQuery[] = queries(KEYS);
    const [base, plain, instrumented] = [await prime(floor, args), await prime(cachet, args), await prime(cachet, args)];
    const rows: string[][] = [];
    for (const methodCase of CASES) {
      const contenders: Contender[] = [
        { name: floor.name, run: compileLoop(methodCase.shape, base.users, args, KEYS) },
        { name: NOTHING_SUBSCRIBED, run: compileLoop(methodCase.shape, plain.users, args, KEYS) },
        { name: INSTRUMENTED, run: instrumentedBatches(compileLoop(methodCase.shape, instrumented.users, args, KEYS)) },
      ];
      const timings = await timeInterleaved(contenders, options.quick ? { rounds: 3, batchMs: 5 } : { rounds: 15, batchMs: 40 });
      const [floorTiming, plainTiming] = timings as [Timing, Timing, Timing];
      for (const timing of timings) {
        rows.push([methodCase.name, timing.name, formatNs(timing.nsPerOp), formatSpread(timing.spread), formatRatio(timing.nsPerOp, floorTiming.nsPerOp), formatRatio(timing.nsPerOp, plainTiming.nsPerOp)]);
      }
    }
    const loads = [base, plain, instrumented].map((primed) => primed.store.executions - primed.primedExecutions).reduce((a, b) => a + b, 0);
    await Promise.all([base, plain, instrumented].map((primed) => primed.users.close()));
    return [
      {
        title: `Hit path with OpenTelemetry: @cachet/opentelemetry on, ${KEYS.toLocaleString('en-US')} keys`,
        columns: ['method', 'row', 'per hit', 'spread', 'vs floor', 'vs nothing subscribed'],
        rows,
        notes: [
          'Instrumented: instrumentCachet() into the real SDK (MeterProvider with a PeriodicExportingMetricReader that never fires during the run, BasicTracerProvider); it is turned on for each batch of its row and off after, so the other rows of the same rounds run with nothing subscribed.',
          `Every hit then emits a hit event on the cachet:hit channel and adds 1 to cache.requests with its attributes (namespace, class, method, profile, request type). Loader runs during timing: ${loads} (must be 0).`,
          `The global meter provider is ${metrics.getMeterProvider().constructor.name}: nothing else in the process records.`,
        ],
      },
    ];
  },
};
