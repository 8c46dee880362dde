// The other process of the cross-process fence race (forked by l2-fence-race.test.ts): one instance of the
// application, driven by messages from the test.
import { type RaceSetup, startRaceInstance } from './race-shop';

/** A message from the test: call a method, hold or release a slow load, report stats, or stop. */
export type RaceCommand =
  | { readonly op: 'call'; readonly id: number; readonly method: 'getInner' | 'getOuter' | 'getSlow'; readonly arg: number }
  | { readonly op: 'release'; readonly id: number }
  | { readonly op: 'stats'; readonly id: number }
  | { readonly op: 'stop'; readonly id: number };

/** The child's answer: `read` is sent when a held `getSlow` has read its row, `ready` once started. */
export type RaceReply = { readonly id: number; readonly result?: unknown; readonly error?: string } | { readonly event: 'ready' | 'read' };

const send = (reply: RaceReply): void => void process.send?.(reply);

async function main(): Promise<void> {
  const setup = JSON.parse(process.argv[2] as string) as RaceSetup;
  const instance = await startRaceInstance(setup);
  instance.shop.onRead = () => send({ event: 'read' });
  process.on('message', (command: RaceCommand) => {
    const answer = async (): Promise<unknown> => {
      switch (command.op) {
        case 'call':
          return instance.shop[command.method](command.arg);
        case 'release':
          return instance.shop.release?.();
        case 'stats':
          return instance.service.stats();
        case 'stop':
          return instance.close();
      }
    };
    answer()
      .then(
        (result) => send({ id: command.id, result }),
        (error: unknown) => send({ id: command.id, error: String(error) }),
      )
      .finally(() => command.op === 'stop' && process.disconnect());
  });
  send({ event: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
