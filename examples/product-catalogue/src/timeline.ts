import type { Outcome } from './app-instance';

/** Prints what the instances do, one line per event, so the story reads top to bottom. */
export class Timeline {
  #step = 0;

  heading(text: string): void {
    console.log(`\n${text}`);
  }

  read(instance: string, call: string, outcome: Outcome): void {
    const source = { memory: 'hit   (local cache)', redis: 'hit   (Redis, second level)', database: 'miss  (database)' }[outcome.source ?? 'database'];
    this.#line(instance, `${call.padEnd(14)} → ${format(outcome.value).padEnd(26)} ${source}`);
  }

  update(instance: string, call: string): void {
    this.#line(instance, `${call.padEnd(14)} → writes the database, drops its own cached reads, publishes the invalidation`);
  }

  remoteInvalidation(instance: string, keys: readonly string[]): void {
    this.#line(instance, `⇠ invalidation from another instance: ${keys.join(', ')}`);
  }

  totals(instance: string, outcome: Outcome): void {
    console.log(`  ${instance}: ${outcome.hits} hits, ${outcome.misses} misses, ${outcome.databaseReads} database reads`);
  }

  #line(instance: string, text: string): void {
    this.#step += 1;
    console.log(`${String(this.#step).padStart(3)}  ${instance}  ${text}`);
  }
}

/** A product as `name (price)`, anything else as JSON. */
function format(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'name' in value && 'price' in value) return `${String(value.name)} (${String(value.price)})`;
  return JSON.stringify(value) ?? 'undefined';
}
