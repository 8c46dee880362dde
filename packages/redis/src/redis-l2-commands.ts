import type { SecondLevelEntry, SecondLevelRead } from '@cachet/core';
import type { RedisClient } from './redis-connection';
import { CLEAR_SCRIPT, GET_SCRIPT, INVALIDATE_SCRIPT, SET_SCRIPT } from './redis-l2-scripts';

type Argument = string | number | Buffer;
type GetReply = [0, number] | [1, number, Buffer, Buffer[], number];

/** The scripts as ioredis commands (`defineCommand`: EVALSHA, falling back to EVAL once per connection). */
interface ScriptCommands {
  cachetL2GetBuffer(meta: string, ...args: Argument[]): Promise<GetReply>;
  cachetL2Set(meta: string, ...args: Argument[]): Promise<number>;
  cachetL2Invalidate(meta: string, ...args: Argument[]): Promise<number>;
  cachetL2Clear(meta: string, ...args: Argument[]): Promise<[number, string]>;
}

/**
 * The four operations of {@link RedisL2} on one connection, scoped to one namespace's hash tag
 * (`{<keyPrefix>:<namespace>}`): arguments in, parsed replies out. No state besides the connection.
 */
export class RedisL2Commands {
  readonly #client: ScriptCommands;
  readonly #meta: string;

  /** Defines the scripts on `client`, a connection of cachet's own. */
  constructor(
    client: RedisClient,
    readonly tag: string,
    private readonly maxRecords: number,
  ) {
    const scripts = { cachetL2Get: GET_SCRIPT, cachetL2Set: SET_SCRIPT, cachetL2Invalidate: INVALIDATE_SCRIPT, cachetL2Clear: CLEAR_SCRIPT };
    for (const [name, lua] of Object.entries(scripts)) client.defineCommand(name, { numberOfKeys: 1, lua });
    this.#client = client as unknown as ScriptCommands;
    this.#meta = `${tag}:m`;
  }

  async get(key: string): Promise<SecondLevelRead> {
    const reply = await this.#client.cachetL2GetBuffer(this.#meta, this.tag, key);
    if (reply[0] === 0) return { hit: false, version: reply[1] };
    const [, version, value, dependencies, pttl] = reply;
    const hit = { hit: true, value, dependencies: dependencies.map(String), version } as const;
    return pttl > 0 ? { ...hit, expiresInMs: pttl } : hit;
  }

  async set(key: string, entry: SecondLevelEntry): Promise<boolean> {
    const { value, stamp, ttlMs, slidingMs, dependencies } = entry;
    const older = stamp.older === undefined || stamp.older.length === 0 ? '' : JSON.stringify(stamp.older);
    const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const lifetime = slidingMs ?? ttlMs ?? 0;
    const stored = await this.#client.cachetL2Set(this.#meta, this.tag, key, bytes, String(stamp.version), older, lifetime, slidingMs ? '1' : '0', ...dependencies);
    return stored === 1;
  }

  invalidate(keys: readonly string[], dependencies: readonly string[]): Promise<number> {
    return this.#client.cachetL2Invalidate(this.#meta, this.tag, this.maxRecords, keys.length, ...keys, ...dependencies);
  }

  /** @returns the new version, and the generation the clear put out of reach (to sweep). */
  async clear(): Promise<{ version: number; oldGeneration: string }> {
    const [version, oldGeneration] = await this.#client.cachetL2Clear(this.#meta, this.tag);
    return { version, oldGeneration };
  }
}
