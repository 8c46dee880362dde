import { createHash, createHmac, type KeyObject } from 'node:crypto';

/**
 * Texts up to this many UTF-16 code units are signed by the JavaScript HMAC below; longer ones by
 * OpenSSL's. On an instance that handles one message now and then, every call runs on cold caches:
 * there OpenSSL's HMAC took 35–40 µs a call (its objects and provider lookups are all cache misses) and
 * this one 12–14 µs, while warm OpenSSL hashes about 7 times faster (64 KiB: 37 µs against 270 µs).
 * A lone invalidation is a few hundred characters; at 1,024 the JavaScript path costs ~5 µs warm. For the
 * same reason the text is encoded and the digest written in JavaScript: cold, `TextEncoder.encodeInto` and
 * `Buffer#toString('base64url')` took ~4.5 µs each on a text of 150 characters.
 */
const SHORT_TEXT = 1024;
/** SHA-256's block, and so HMAC's key block, in bytes. */
const BLOCK = 64;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit; padding adds at most a block and 8 bytes. */
const scratch = new Uint8Array(SHORT_TEXT * 3 + BLOCK + 8);
const words = new Int32Array(64);
const state = new Int32Array(8);
/** The inner hash, then the HMAC itself, as bytes (room for the outer hash's padding). */
const digestBytes = new Uint8Array(BLOCK);
const encoder = new TextEncoder();
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A digest's 32 bytes in base64url without padding: 43 characters. */
const digestChars = new Uint16Array(43);

// prettier-ignore
const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// prettier-ignore
const INITIAL_STATE = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/**
 * HMAC-SHA256 under one key, giving the same digests as `createHmac('sha256', key)`. The states after the
 * key's inner and outer pad blocks are computed once, so a short text costs its own blocks and one more.
 * The states are as secret as the key: they live in private fields, which `util.inspect` does not show.
 * No branch or table index depends on the key. The text, which is sent in the clear anyway, decides only
 * how it is encoded (ASCII or not) and how many blocks it takes.
 */
export class HmacSha256 {
  readonly #key: KeyObject;
  readonly #innerState: Int32Array;
  readonly #outerState: Int32Array;

  constructor(key: KeyObject) {
    this.#key = key;
    let bytes = key.export();
    if (bytes.length > BLOCK) bytes = createHash('sha256').update(bytes).digest();
    const pad = Buffer.alloc(BLOCK);
    this.#innerState = padState(bytes, pad, 0x36);
    this.#outerState = padState(bytes, pad, 0x5c);
  }

  /** The base64url digest (43 characters) of the UTF-8 bytes of `head` followed by `tail`. */
  digest(head: string, tail: string): string {
    if (head.length + tail.length > SHORT_TEXT) return createHmac('sha256', this.#key).update(head).update(tail).digest('base64url');
    const length = encodeUtf8(tail, encodeUtf8(head, 0));
    hashPadded(this.#innerState, scratch, length, BLOCK + length);
    writeState(digestBytes);
    hashPadded(this.#outerState, digestBytes, 32, BLOCK + 32);
    writeState(digestBytes);
    return base64url(digestBytes);
  }
}

/** Writes `text` as UTF-8 into `scratch` from `at`; returns where it ends. ASCII in a loop, the rest by `TextEncoder`. */
function encodeUtf8(text: string, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // From the first non-ASCII character on (never inside a surrogate pair: all before it are ASCII).
    if (code >= 0x80) return at + i + encoder.encodeInto(text.slice(i), scratch.subarray(at + i)).written;
    scratch[at + i] = code;
  }
  return at + text.length;
}

/** The first 32 bytes of `bytes` in base64url without padding. */
function base64url(bytes: Uint8Array): string {
  let out = 0;
  for (let i = 0; i < 30; i += 3) {
    const triple = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    digestChars[out++] = BASE64URL.charCodeAt(triple >>> 18);
    digestChars[out++] = BASE64URL.charCodeAt((triple >>> 12) & 63);
    digestChars[out++] = BASE64URL.charCodeAt((triple >>> 6) & 63);
    digestChars[out++] = BASE64URL.charCodeAt(triple & 63);
  }
  const last = ((bytes[30] as number) << 8) | (bytes[31] as number);
  digestChars[out++] = BASE64URL.charCodeAt(last >>> 10);
  digestChars[out++] = BASE64URL.charCodeAt((last >>> 4) & 63);
  digestChars[out] = BASE64URL.charCodeAt((last << 2) & 63);
  return String.fromCharCode.apply(null, digestChars as unknown as number[]);
}

/** The SHA-256 state after the key block XORed with `byte`. */
function padState(key: Buffer, pad: Buffer, byte: number): Int32Array {
  pad.fill(byte);
  for (let i = 0; i < key.length; i++) pad[i] = (key[i] as number) ^ byte;
  const padded = INITIAL_STATE.slice();
  compress(padded, pad, 0);
  return padded;
}

/**
 * Finishes SHA-256 into `state` from `from`, over `bytes[0, length)` and the padding for a message of
 * `total` bytes (the pad block before it included). `bytes` must have room for the padding.
 */
function hashPadded(from: Int32Array, bytes: Uint8Array, length: number, total: number): void {
  let end = length;
  bytes[end++] = 0x80;
  while (end % BLOCK !== BLOCK - 8) bytes[end++] = 0;
  const high = Math.floor(total / 0x20000000);
  const low = (total * 8) >>> 0;
  bytes[end++] = high >>> 24;
  bytes[end++] = (high >>> 16) & 0xff;
  bytes[end++] = (high >>> 8) & 0xff;
  bytes[end++] = high & 0xff;
  bytes[end++] = low >>> 24;
  bytes[end++] = (low >>> 16) & 0xff;
  bytes[end++] = (low >>> 8) & 0xff;
  bytes[end++] = low & 0xff;
  state.set(from);
  for (let offset = 0; offset < end; offset += BLOCK) compress(state, bytes, offset);
}

/** `state` as 32 big-endian bytes at the start of `out`. */
function writeState(out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  }
}

/** One SHA-256 compression of the block at `offset` into `hash` (FIPS 180-4, 6.2.2). */
function compress(hash: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + i * 4;
    words[i] = ((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const w15 = words[i - 15] as number;
    const w2 = words[i - 2] as number;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    words[i] = ((words[i - 16] as number) + s0 + (words[i - 7] as number) + s1) | 0;
  }
  let a = hash[0] as number;
  let b = hash[1] as number;
  let c = hash[2] as number;
  let d = hash[3] as number;
  let e = hash[4] as number;
  let f = hash[5] as number;
  let g = hash[6] as number;
  let h = hash[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (ROUND_CONSTANTS[i] as number) + (words[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  hash[0] = ((hash[0] as number) + a) | 0;
  hash[1] = ((hash[1] as number) + b) | 0;
  hash[2] = ((hash[2] as number) + c) | 0;
  hash[3] = ((hash[3] as number) + d) | 0;
  hash[4] = ((hash[4] as number) + e) | 0;
  hash[5] = ((hash[5] as number) + f) | 0;
  hash[6] = ((hash[6] as number) + g) | 0;
  hash[7] = ((hash[7] as number) + h) | 0;
}
