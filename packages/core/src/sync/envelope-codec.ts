import type { DropReason, Envelope } from './envelope';

/** Bytes every cachet message starts with, so that foreign traffic on a shared channel is recognised. */
const MAGIC_0 = 0xca;
const MAGIC_1 = 0xc7;
/** Bump on any incompatible change of the body; receivers drop versions they do not know. */
export const ENVELOPE_FORMAT_VERSION = 1;
const HEADER_BYTES = 3;

/** The JSON body: short names, because every byte crosses the bus. */
interface WireBody {
  n: string;
  s: string;
  q: number;
  k?: string[];
  d?: string[];
  a?: 1;
  h?: 1;
}

/** The result of decoding one payload: an envelope, or why it was dropped. */
export type DecodeResult = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: DropReason };

/**
 * Encodes an envelope as bytes: two magic bytes, a format-version byte, then a UTF-8 JSON body.
 */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  // Written by hand, in the order of `WireBody` ({@link senderPrefix} relies on `n`, `s`, `q` first): no body object.
  let json = '{"n":' + JSON.stringify(envelope.namespace) + ',"s":' + JSON.stringify(envelope.sender) + ',"q":' + envelope.sequence;
  if (envelope.keys.length > 0) json += ',"k":' + JSON.stringify(envelope.keys);
  if (envelope.dependencies.length > 0) json += ',"d":' + JSON.stringify(envelope.dependencies);
  if (envelope.all) json += ',"a":1';
  if (envelope.heartbeat) json += ',"h":1';
  json += '}';
  const bytes = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(json));
  bytes[0] = MAGIC_0;
  bytes[1] = MAGIC_1;
  bytes[2] = ENVELOPE_FORMAT_VERSION;
  bytes.write(json, HEADER_BYTES, 'utf8');
  return bytes;
}

/** The encoded size of an envelope's fixed part plus its lists' punctuation, for batching decisions. */
export function envelopeOverheadBytes(namespace: string, sender: string): number {
  return HEADER_BYTES + Buffer.byteLength(namespace) + Buffer.byteLength(sender) + 64;
}

/** Bytes one string adds to a JSON list in an envelope body: exactly its JSON form plus a comma. */
export function listItemBytes(item: string): number {
  return Buffer.byteLength(JSON.stringify(item)) + 1;
}

/**
 * The bytes every envelope of `sender` in `namespace` starts with, up to its sequence number: what
 * {@link ownSequence} recognises. Relies on {@link encodeEnvelope} writing `n`, `s` and `q` first.
 */
export function senderPrefix(namespace: string, sender: string): Uint8Array {
  const text = '{"n":' + JSON.stringify(namespace) + ',"s":' + JSON.stringify(sender) + ',"q":';
  return Buffer.concat([Buffer.from([MAGIC_0, MAGIC_1, ENVELOPE_FORMAT_VERSION]), Buffer.from(text, 'utf8')]);
}

/** Digits of the longest sequence number read without a full decode: safe integers have at most 16. */
const MAX_SEQUENCE_DIGITS = 16;

/**
 * The sequence number of a payload that starts with `prefix` (from {@link senderPrefix}), read without
 * parsing the rest: a sender's own echo (up to 512 KiB of keys) is recognised for the price of a byte
 * comparison. `undefined` for any other payload, which {@link decodeEnvelope} then decodes in full.
 */
export function ownSequence(payload: Uint8Array, prefix: Uint8Array): number | undefined {
  const start = prefix.length;
  if (payload.length <= start) return undefined;
  for (let i = 0; i < start; i++) {
    if (payload[i] !== prefix[i]) return undefined;
  }
  let sequence = 0;
  let end = start;
  for (; end < payload.length && end - start < MAX_SEQUENCE_DIGITS; end++) {
    const digit = (payload[end] as number) - 0x30;
    if (digit < 0 || digit > 9) break;
    sequence = sequence * 10 + digit;
  }
  const next = payload[end];
  return end > start && Number.isSafeInteger(sequence) && (next === 0x2c || next === 0x7d) ? sequence : undefined;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Decodes bytes from the bus; never throws. */
export function decodeEnvelope(payload: Uint8Array): DecodeResult {
  if (payload.length < HEADER_BYTES || payload[0] !== MAGIC_0 || payload[1] !== MAGIC_1) return { ok: false, reason: 'foreign' };
  if (payload[2] !== ENVELOPE_FORMAT_VERSION) return { ok: false, reason: 'version' };
  let body: unknown;
  try {
    const text = Buffer.isBuffer(payload)
      ? payload.toString('utf8', HEADER_BYTES)
      : Buffer.from(payload.buffer, payload.byteOffset + HEADER_BYTES, payload.length - HEADER_BYTES).toString('utf8');
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'corrupt' };
  const wire = body as Partial<Record<keyof WireBody, unknown>>;
  const keys = wire.k ?? [];
  const dependencies = wire.d ?? [];
  if (
    typeof wire.n !== 'string' ||
    typeof wire.s !== 'string' ||
    !Number.isSafeInteger(wire.q) ||
    !isStringList(keys) ||
    !isStringList(dependencies) ||
    (wire.a !== undefined && wire.a !== 1) ||
    (wire.h !== undefined && wire.h !== 1)
  ) {
    return { ok: false, reason: 'corrupt' };
  }
  return {
    ok: true,
    envelope: {
      namespace: wire.n,
      sender: wire.s,
      sequence: wire.q as number,
      keys,
      dependencies,
      all: wire.a === 1,
      heartbeat: wire.h === 1,
    },
  };
}
