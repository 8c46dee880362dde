import { spawn } from 'node:child_process';
import { parseOptions } from './harness/options.js';
import { renderTable } from './harness/table.js';
import { hitPath } from './scenarios/hit-path.js';
import { hitPathTelemetry } from './scenarios/hit-path-telemetry.js';
import { instanceCount } from './scenarios/instance-count.js';
import { invalidationLatency } from './scenarios/invalidation-latency.js';
import { invalidationThroughput } from './scenarios/invalidation-throughput.js';
import { l2Path } from './scenarios/l2-path.js';
import { memory } from './scenarios/memory.js';
import type { Scenario } from './scenarios/scenario.js';
import { stampedeScenario } from './scenarios/stampede.js';

const SCENARIOS: readonly Scenario[] = [hitPath, hitPathTelemetry, stampedeScenario, invalidationLatency, invalidationThroughput, memory, l2Path, instanceCount];

/** Set in the process that runs one scenario: the name of that scenario. */
const SCENARIO_ENV = 'CACHET_BENCH_SCENARIO';

/**
 * Runs `scenario` in a process of its own, with this one's arguments and Node options. A scenario leaves
 * state behind that would tilt the next one: an OpenTelemetry context manager or a peer's
 * AsyncLocalStorage keeps promise hooks installed for the rest of the process on Node 20 (every `await`
 * of every library then pays them), and the heap and JIT feedback carry over.
 */
function runInOwnProcess(scenario: Scenario): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, ...process.argv.slice(2)], {
    env: { ...process.env, [SCENARIO_ENV]: scenario.name },
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`scenario ${scenario.name} failed (${signal ?? `exit code ${code}`})`))));
  });
}

async function runHere(scenario: Scenario, options: ReturnType<typeof parseOptions>): Promise<void> {
  const started = Date.now();
  for (const table of await scenario.run(options)) console.log(renderTable(table));
  console.log(`_${scenario.name}: ${((Date.now() - started) / 1000).toFixed(1)} s_`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const own = process.env[SCENARIO_ENV];
  if (own !== undefined) return runHere(SCENARIOS.find((scenario) => scenario.name === own) as Scenario, options);
  const selected = options.only.length === 0 ? SCENARIOS.filter((scenario) => !scenario.optIn) : SCENARIOS.filter((scenario) => options.only.includes(scenario.name));
  const unknown = options.only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  console.log(
    `# cachet benchmarks${options.quick ? ' (--quick: smoke test, figures are not meaningful)' : ''}\n\n` +
      `${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch} · ` +
      `${(await import('node:os')).cpus().length} CPUs · REDIS_URL=${options.redisUrl} · DATABASE_URL=${options.databaseUrl} · NATS_URL=${options.natsUrl}` +
      ' · each scenario in a process of its own',
  );
  for (const scenario of selected) await runInOwnProcess(scenario);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
