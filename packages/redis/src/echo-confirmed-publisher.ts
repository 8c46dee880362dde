import type { Redis } from 'ioredis';

/** `CLIENT REPLY SKIP` in RESP: Redis answers neither it nor the command after it (Redis 3.2 and later). */
const SKIP_NEXT_REPLY = '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n';
const PING = '*1\r\n$4\r\nPING\r\n';
const PROBE = 'cachet:reply-skip-probe';

/** One publish written and not yet echoed. */
interface PendingPublish {
  readonly payload: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Publishes on one channel with no answer from Redis, each PUBLISH confirmed by its echo instead: the copy
 * Redis delivers to the same connection's subscriber, which subscribes to the channel it publishes on.
 *
 * Each PUBLISH goes out preceded by `CLIENT REPLY SKIP`, written to the socket past ioredis, so Redis
 * answers neither and ioredis' queue of commands awaiting an answer is untouched. The echo proves more than
 * the answer would (Redis ran the PUBLISH and delivered it), and it comes anyway; the answer was a second
 * write by Redis and a second wake-up of the sending process for every invalidation, at the moment the
 * receiving instances need the CPU.
 *
 * Redis delivers one connection's publishes in order, so an echo can only confirm the oldest publish
 * still waiting. A message is taken for that echo when it is the same text, so payloads must be unique to
 * their connection: the engine's are (each carries its instance id and a sequence number).
 */
export class EchoConfirmedPublisher {
  readonly #client: Redis;
  /** Everything of the two commands before the payload's length. */
  readonly #commandStart: string;
  readonly #pending: PendingPublish[] = [];

  constructor(client: Redis, channel: string) {
    this.#client = client;
    this.#commandStart = `${SKIP_NEXT_REPLY}*3\r\n$7\r\nPUBLISH\r\n$${Buffer.byteLength(channel)}\r\n${channel}\r\n`;
  }

  /** Writes a PUBLISH of `payload` (the client is ready); resolves once {@link confirm} sees its echo. */
  publish(payload: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Written first: a write that throws rejects this promise and leaves nothing waiting for an echo.
      this.#client.stream.write(`${this.#commandStart}$${Buffer.byteLength(payload)}\r\n${payload}\r\n`);
      this.#pending.push({ payload, resolve, reject });
    });
  }

  /** A message arrived on the subscription: when it is the oldest waiting publish's echo, that publish is confirmed. */
  confirm(payload: string): void {
    const oldest = this.#pending[0];
    if (oldest !== undefined && oldest.payload === payload) {
      this.#pending.shift();
      oldest.resolve();
    }
  }

  /**
   * Fails every publish not yet echoed, when the echo can no longer be expected (a connection dropped).
   * Redis may have run some of them: the engine sends them again, and a repeated invalidation is harmless.
   */
  failAll(problem: string): void {
    if (this.#pending.length === 0) return;
    const error = new Error(problem);
    for (const publish of this.#pending.splice(0)) publish.reject(error);
  }
}

/**
 * Whether `client`'s server honours `CLIENT REPLY SKIP`. Redis before 3.2, an ACL that denies `CLIENT`, or a
 * proxy may not. Writes `CLIENT REPLY SKIP` and `PING` past ioredis, then pings through it: when the skip
 * works, that ping gets its own answer, and the client is in step. Otherwise it got the first of three
 * answers, and ioredis would match the other two to later commands: close the client and use a new one.
 * Call it on a ready client with no command in flight.
 */
export async function honoursReplySkip(client: Redis): Promise<boolean> {
  client.stream.write(SKIP_NEXT_REPLY + PING);
  const answer = await client.ping(PROBE).catch((error: unknown) => error);
  return answer === PROBE;
}
