import { metrics } from '@opentelemetry/api';
import { InMemoryMetricExporter, AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { instrumentCachet } from '@cachet/opentelemetry';
import { compileLoop } from '../harness/compiled-loop.js';
import { formatNs, formatRatio, formatSpread } from '../harness/format.js';
import type { BenchOptions } from '../harness/options.js';
import { timeInterleaved, type Timing } from '../harness/rounds.js';
import type { Table } from '../harness/table.js';
import { cachet, type CachedUsers, floor, type UserQuery } from '../subjects/index.js';
import { CASES, type MethodCase, prime, queries } from './hit-path.js';
import type { Scenario } from './scenario.js';

const KEYS = 1_000;
const NOTHING_SUBSCRIBED = 'cachet @Cache, nothing subscribed';
const INSTRUMENTED = 'cachet @Cache + @cachet/opentelemetry';

/** The real OpenTelemetry SDK: a meter provider whose reader never fires during the run, and a tracer provider. */
function sdkProviders(): { meterProvider: MeterProvider; tracerProvider: BasicTracerProvider } {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  return {
    meterProvider: new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] }),
    tracerProvider: new BasicTracerProvider(),
  };
}

/**
 * Scenario: what `@cachet/opentelemetry` costs on a cache hit (each hit publishes one event and adds one
 * to the `cache.requests` counter of the real SDK), against cachet with nothing subscribed, each as a ratio
 * to the floor timed beside it. Listed after `hit-path`, which thus runs before anything ever subscribed.
 */
export const hitPathTelemetry: Scenario = {
  name: 'hit-path-telemetry',
  async run(options: BenchOptions): Promise<Table[]> {
    const args: UserQuery[] = queries(KEYS);
    const [base, plain, instrumented] = [await prime(floor, args), await prime(cachet, args), await prime(cachet, args)];
    const rows: string[][] = [];
    const rounds = options.quick ? { rounds: 3, batchMs: 5 } : { rounds: 15, batchMs: 40 };
    // The channels are process-wide, so the two phases cannot be interleaved: each times cachet against the
    // floor, interleaved, and the ratios to the floor compare across phases.
    const phase = (users: CachedUsers, name: string, methodCase: MethodCase): Promise<Timing[]> =>
      timeInterleaved([{ name: floor.name, run: compileLoop(methodCase.shape, base.users, args, KEYS) }, { name, run: compileLoop(methodCase.shape, users, args, KEYS) }], rounds);
    const plainTimings: Timing[][] = [];
    for (const methodCase of CASES) plainTimings.push(await phase(plain.users, NOTHING_SUBSCRIBED, methodCase));
    const stop = instrumentCachet(sdkProviders());
    const instrumentedTimings: Timing[][] = [];
    try {
      for (const methodCase of CASES) instrumentedTimings.push(await phase(instrumented.users, INSTRUMENTED, methodCase));
    } finally {
      stop();
    }
    CASES.forEach((methodCase, index) => {
      const [floorOff, off] = plainTimings[index] as [Timing, Timing];
      const [floorOn, on] = instrumentedTimings[index] as [Timing, Timing];
      const ratioOff = off.nsPerOp / floorOff.nsPerOp;
      const ratioOn = on.nsPerOp / floorOn.nsPerOp;
      rows.push([methodCase.name, off.name, formatNs(off.nsPerOp), formatSpread(off.spread), formatNs(floorOff.nsPerOp), formatRatio(off.nsPerOp, floorOff.nsPerOp), '1.00x']);
      rows.push([methodCase.name, on.name, formatNs(on.nsPerOp), formatSpread(on.spread), formatNs(floorOn.nsPerOp), formatRatio(on.nsPerOp, floorOn.nsPerOp), `${(ratioOn / ratioOff).toFixed(2)}x`]);
    });
    const loads = [base, plain, instrumented].map((primed) => primed.store.executions - primed.primedExecutions).reduce((a, b) => a + b, 0);
    await Promise.all([base, plain, instrumented].map((primed) => primed.users.close()));
    return [
      {
        title: `Hit path with OpenTelemetry: @cachet/opentelemetry on, ${KEYS.toLocaleString('en-US')} keys`,
        columns: ['method', 'row', 'per hit', 'spread', 'floor in its phase', 'vs floor', 'vs nothing subscribed'],
        rows,
        notes: [
          'Two phases, since diagnostics channels are process-wide: cachet with nothing subscribed against the floor (interleaved), then instrumentCachet() into the real SDK (a MeterProvider whose PeriodicExportingMetricReader never fires during the run, a BasicTracerProvider) and cachet against the floor again. "vs nothing subscribed" divides the two ratios to the floor, each measured in its own phase.',
          `Every hit then emits a hit event on the cachet:hit channel and adds 1 to cache.requests with its attributes (namespace, class, method, profile, request type). Loader runs during timing: ${loads} (must be 0).`,
          `The global meter provider is ${metrics.getMeterProvider().constructor.name}: nothing else in the process records.`,
        ],
      },
    ];
  },
};
