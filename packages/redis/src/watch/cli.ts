#!/usr/bin/env node
import { messageOf } from '../errors';
import { describeConnection } from '../redis-connection';
import { parseWatchArguments, USAGE, WatchUsageError } from './watch-arguments';
import { watchChannel } from './watch-command';

/** `cachet-redis watch …`: the command line of `npx @cachet/redis`. */
async function main(): Promise<void> {
  let args: ReturnType<typeof parseWatchArguments>;
  try {
    args = parseWatchArguments(process.argv.slice(2), process.stdout.isTTY === true);
  } catch (error) {
    if (!(error instanceof WatchUsageError)) throw error;
    process.stderr.write(`cachet-redis: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') return void process.stdout.write(`${USAGE}\n`);
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  try {
    await watchChannel(args, process.stdout, interrupted);
  } catch (error) {
    process.stderr.write(`cachet-redis: cannot watch ${args.channel} on ${describeConnection(args.url)}: ${messageOf(error)}\n`);
    process.exitCode = 1;
  }
}

void main();
