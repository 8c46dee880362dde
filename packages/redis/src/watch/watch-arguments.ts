import { DEFAULT_CHANNEL } from '../redis-synchronization-options';

/** What `cachet-redis watch` was asked to do. */
export interface WatchArguments {
  /** The Redis URL. */
  readonly url: string;
  /** The channel the instances synchronize on (their `RedisSynchronization.channel`). */
  readonly channel: string;
  /** Milliseconds between two refreshes. */
  readonly intervalMs: number;
  /** One JSON line per refresh instead of a live table: for scripts, logs and non-terminals. */
  readonly json: boolean;
  /** Stop after this many milliseconds; `undefined` to run until interrupted. */
  readonly durationMs: number | undefined;
}

/** How to call it, printed on `--help` and after a mistake. */
export const USAGE = `Usage: cachet-redis watch <redis-url> [options]   (npx @cachet/redis watch redis://127.0.0.1:6379)

Shows, live, which cachet instances are on a Redis channel (from their messages and their probes),
messages per second, and sequence gaps, decoded with the cachet message codec. It only listens.

Options:
  --channel <name>    the channel the instances use (default: ${DEFAULT_CHANNEL})
  --interval <ms>     refresh period (default: 1000)
  --json              print one JSON line per refresh instead of a table (the default when not on a terminal)
  --duration <s>      stop after this many seconds (default: run until Ctrl-C)
  --help              print this`;

/** A mistake on the command line; its message says which. */
export class WatchUsageError extends Error {}

function positive(option: string, text: string | undefined, scale: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0) throw new WatchUsageError(`${option} expects a positive number, got ${text ?? 'nothing'}.`);
  return value * scale;
}

/**
 * Reads `watch <url> [options]` (the words after the program's name).
 * @returns `'help'` for `--help`.
 * @throws {@link WatchUsageError} naming the argument that is wrong.
 */
export function parseWatchArguments(words: readonly string[], stdoutIsTerminal: boolean): WatchArguments | 'help' {
  if (words.includes('--help') || words.includes('-h')) return 'help';
  const [command, ...rest] = words;
  if (command !== 'watch') throw new WatchUsageError(command === undefined ? 'no command given.' : `unknown command "${command}" (the only one is "watch").`);
  let url: string | undefined;
  let channel = DEFAULT_CHANNEL;
  let intervalMs = 1000;
  let json = !stdoutIsTerminal;
  let durationMs: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] as string;
    const value = (): string | undefined => rest[++i];
    if (word === '--channel') {
      const name = value();
      if (name === undefined || name === '') throw new WatchUsageError('--channel expects a channel name.');
      channel = name;
    } else if (word === '--interval') intervalMs = positive('--interval', value(), 1);
    else if (word === '--duration') durationMs = positive('--duration', value(), 1000);
    else if (word === '--json') json = true;
    else if (word.startsWith('--')) throw new WatchUsageError(`unknown option ${word}.`);
    else if (url === undefined) url = word;
    else throw new WatchUsageError(`unexpected argument "${word}".`);
  }
  if (url === undefined) throw new WatchUsageError('the Redis URL is missing, such as redis://127.0.0.1:6379.');
  return { url, channel, intervalMs, json, durationMs };
}
