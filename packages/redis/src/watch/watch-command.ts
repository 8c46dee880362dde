import { Redis } from 'ioredis';
import { BusCensus } from './bus-census';
import type { WatchArguments } from './watch-arguments';
import { jsonLine, screen } from './watch-view';

/** Clears a terminal and puts the cursor home. */
const CLEAR = '\u001b[2J\u001b[H';

/** Where the command writes: the process's streams, or a test's. */
export interface WatchOutput {
  write(text: string): void;
}

/**
 * Runs `watch`: subscribes to the channel and to every instance's probe channel (`<channel>:probe:*`) on
 * one connection of its own, and prints a snapshot every interval until `stop` resolves or the duration
 * ends. Resolves once the connection is closed.
 * @throws the connection error when Redis cannot be reached.
 */
export async function watchChannel(args: WatchArguments, output: WatchOutput, stop: Promise<void>): Promise<void> {
  const redis = new Redis(args.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const census = new BusCensus(performance.now());
  redis.on('message', (_channel: string, payload: string) => census.record(payload, false, performance.now()));
  redis.on('pmessage', (_pattern: string, _channel: string, payload: string) => census.record(payload, true, performance.now()));
  await redis.subscribe(args.channel);
  await redis.psubscribe(`${escapeGlob(args.channel)}:probe:*`);
  const print = (): void => {
    const snapshot = census.snapshot(performance.now());
    output.write(args.json ? `${jsonLine(args.channel, snapshot, new Date())}\n` : `${CLEAR}${screen(args.channel, snapshot, new Date())}\n`);
  };
  const timer = setInterval(print, args.intervalMs);
  let durationTimer: NodeJS.Timeout | undefined;
  const ended = args.durationMs === undefined ? stop : Promise.race([stop, new Promise<void>((resolve) => (durationTimer = setTimeout(resolve, args.durationMs)))]);
  try {
    await ended;
  } finally {
    clearInterval(timer);
    clearTimeout(durationTimer);
    redis.disconnect();
  }
}

/** A channel name as a literal in a PSUBSCRIBE pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
