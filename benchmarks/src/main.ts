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

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const selected = options.only.length === 0 ? SCENARIOS.filter((scenario) => !scenario.optIn) : SCENARIOS.filter((scenario) => options.only.includes(scenario.name));
  const unknown = options.only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  console.log(
    `# cachet benchmarks${options.quick ? ' (--quick: smoke test, figures are not meaningful)' : ''}\n\n` +
      `${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch} · ` +
      `${(await import('node:os')).cpus().length} CPUs · REDIS_URL=${options.redisUrl} · DATABASE_URL=${options.databaseUrl} · NATS_URL=${options.natsUrl}`,
  );
  for (const scenario of selected) {
    const started = Date.now();
    for (const table of await scenario.run(options)) console.log(renderTable(table));
    console.log(`_${scenario.name}: ${((Date.now() - started) / 1000).toFixed(1)} s_`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
