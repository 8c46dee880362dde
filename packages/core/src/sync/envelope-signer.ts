import type { KeyObject } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256';

/** What a signature adds to a message's JSON body before its closing brace: `,"g":"` and the digest, `"`. */
const FIELD = ',"g":"';
/** An HMAC-SHA256 digest in base64url, without padding. */
const DIGEST_CHARS = 43;
/** Everything a signed message has after the text its signature covers, less that text's closing brace. */
const SUFFIX_CHARS = FIELD.length + DIGEST_CHARS + 2;

/**
 * Signs and checks messages with HMAC-SHA256 (`signingKeys`). A signed message is the unsigned one with a
 * last field, `"g"`, holding the base64url HMAC of the UTF-8 bytes of the unsigned text under the first
 * key: `…,"k":["a"]}` becomes `…,"k":["a"],"g":"<43 characters>"}`. The signature comes last so that a
 * sender's messages keep beginning with its own prefix (its echoes are still recognised at a glance), and
 * it is a JSON field so that instances without keys read signed messages as before, ignoring it.
 *
 * UTF-8 maps distinct texts to distinct bytes for every text a transport can deliver (transports decode
 * bytes, which never yields a lone surrogate), so a signature binds one exact text.
 */
export class EnvelopeSigner {
  /** Bytes a signature adds to a message: the batching limit leaves room for them. */
  static readonly overheadBytes = SUFFIX_CHARS;

  private readonly keys: readonly HmacSha256[];

  /** @param keys the first signs; any of them verifies. At least one. */
  constructor(keys: readonly KeyObject[]) {
    this.keys = keys.map((key) => new HmacSha256(key));
  }

  /** `open`, an encoded message without its closing brace, closed and signed under the first key. */
  seal(open: string): string {
    return `${open}${FIELD}${(this.keys[0] as HmacSha256).digest(open, '}')}"}`;
  }

  /**
   * The unsigned text of `payload` when it carries a valid signature under any key (timing-safe), or
   * `undefined`: unsigned, mangled, or signed with a key not listed.
   */
  verify(payload: string): string | undefined {
    const open = payload.length - SUFFIX_CHARS;
    if (open < 1 || !payload.startsWith(FIELD, open) || !payload.endsWith('"}')) return undefined;
    const text = payload.slice(0, open);
    for (const key of this.keys) {
      if (sameDigest(payload, open + FIELD.length, key.digest(text, '}'))) return `${text}}`;
    }
    return undefined;
  }
}

/**
 * Whether `payload` holds `expected` from `at`, in time that does not depend on where they differ. Compared
 * in place, character by character: no buffer is built on the path of every message.
 */
function sameDigest(payload: string, at: number, expected: string): boolean {
  let difference = 0;
  for (let i = 0; i < DIGEST_CHARS; i++) difference |= payload.charCodeAt(at + i) ^ expected.charCodeAt(i);
  return difference === 0;
}
