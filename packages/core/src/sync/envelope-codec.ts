import type { DropReason, Envelope, Invalidation } from './envelope';
import type { EnvelopeSigner } from './envelope-signer';

/** How every cachet message begins: `cachet/<format version> ` and then a JSON body. */
const MARK = 'cachet/';
/** Bump on any incompatible change of the body; receivers drop versions they do not know. */
export const ENVELOPE_FORMAT_VERSION = 2;
const HEADER = `${MARK}${ENVELOPE_FORMAT_VERSION} `;

/** The JSON body: short names, because every byte crosses the bus. */
interface WireBody {
  n: string;
  s: string;
  q: number;
  /** When the sender published, in ms since the epoch on its clock; invalidations only, since format 2 stamps them. */
  t?: number;
  k?: string[];
  d?: string[];
  a?: 1;
  h?: 1;
}

/** What a message carries besides its sender and sequence. */
export type EnvelopeContent = Invalidation & { readonly heartbeat?: boolean; readonly sentAt?: number | undefined };

/** The result of decoding one payload: an envelope, or why it was dropped. */
export type DecodeResult = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly reason: DropReason };

const NOTHING: readonly string[] = [];
/**
 * Up to this many list items are quoted by hand, and up to this many characters a message of our own
 * namespace is read by hand: a lone invalidation's path, where native JSON code costs most because it is
 * cold. Batches (up to 512 KiB) go through JSON.stringify and JSON.parse, which are faster on bulk.
 */
const HAND_QUOTED_ITEMS = 8;
const HAND_READ_CHARS = 2048;
/** Digits of the longest sequence number read by hand: safe integers have at most 16. */
const MAX_SEQUENCE_DIGITS = 16;

/**
 * Encodes an envelope as text: `cachet/2 ` then the JSON of its {@link WireBody}, fields in that order.
 * The send time `t` was added within format 2: a receiver that predates it reads such messages through
 * `JSON.parse`, which ignores the field, and a message without it decodes with `sentAt` undefined.
 * Text, not bytes: Redis clients write and read strings on their most travelled path, and the bus
 * traffic stays readable in `redis-cli SUBSCRIBE`.
 */
export function encodeEnvelope(envelope: Envelope, signer?: EnvelopeSigner): string {
  return encodeAfterPrefix(senderPrefix(envelope.namespace, envelope.sender), envelope.sequence, envelope, signer);
}

/**
 * How every message of `sender` in `namespace` begins, up to its sequence number. A sender computes it
 * once; {@link encodeAfterPrefix} and {@link ownSequence} take it.
 */
export function senderPrefix(namespace: string, sender: string): string {
  return `${namespacePrefix(namespace)}${quote(sender).slice(1)},"q":`;
}

/** How every message of `namespace` begins, up to the first character of its sender id. */
export function namespacePrefix(namespace: string): string {
  return `${HEADER}{"n":${quote(namespace)},"s":"`;
}

/**
 * The message of a sender whose {@link senderPrefix} is `prefix`: string concatenation only, no body object.
 * Signed when a `signer` is given.
 */
export function encodeAfterPrefix(prefix: string, sequence: number, content: EnvelopeContent, signer?: EnvelopeSigner, sentAt = content.sentAt): string {
  let text = prefix + sequence;
  if (sentAt !== undefined) text += ',"t":' + sentAt;
  if (content.keys.length > 0) text += ',"k":' + quoteList(content.keys);
  if (content.dependencies.length > 0) text += ',"d":' + quoteList(content.dependencies);
  if (content.all) text += ',"a":1';
  if (content.heartbeat === true) text += ',"h":1';
  return close(text, signer);
}

/**
 * A liveness probe of the sender whose {@link senderPrefix} is `prefix`: a heartbeat that carries the
 * sender's current sequence number without taking a new one (it reaches no other instance, so it must not
 * look like a lost message to them) and a probe number that makes each probe's text unique.
 */
export function encodeProbe(prefix: string, sequence: number, probe: number, signer?: EnvelopeSigner): string {
  return close(`${prefix}${sequence},"h":1,"p":${probe}`, signer);
}

/** Every outgoing message ends here: its body closed, and signed when there is a signer. */
function close(open: string, signer: EnvelopeSigner | undefined): string {
  return signer === undefined ? open + '}' : signer.seal(open);
}

/** The encoded size in UTF-8 bytes of a message's fixed part plus its lists' punctuation, for batching. */
export function envelopeOverheadBytes(namespace: string, sender: string): number {
  return Buffer.byteLength(senderPrefix(namespace, sender)) + 64;
}

/** UTF-8 bytes one string adds to a list in a message: exactly its JSON form plus a comma. */
export function listItemBytes(item: string): number {
  // Printable ASCII that JSON does not escape, the usual key: its length, quotes and comma, nothing built.
  for (let i = 0; i < item.length; i++) {
    const code = item.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return Buffer.byteLength(quote(item)) + 1;
  }
  return item.length + 3;
}

/**
 * The sequence number of a payload that starts with `prefix` (from {@link senderPrefix}), read without
 * parsing the rest: a sender's own echo (up to 512 KiB of keys) is recognised for the price of a string
 * comparison. `undefined` for any other payload.
 */
export function ownSequence(payload: string, prefix: string): number | undefined {
  if (!payload.startsWith(prefix)) return undefined;
  const cursor = { text: payload, at: prefix.length };
  const sequence = readSequence(cursor);
  const next = payload.charCodeAt(cursor.at);
  return next === 0x2c || next === 0x7d ? sequence : undefined;
}

/**
 * Decodes a payload whose namespace is known to be wanted: short messages of `namespace` as
 * {@link encodeAfterPrefix} writes them are read by hand (no `JSON.parse`, which costs tens of
 * microseconds on an idle process's first message); anything else goes to {@link decodeEnvelope}, with
 * the same result. Never throws.
 * @param knownSender a sender id decoded before (the last one, say): when the payload's sender is the
 *   same, the envelope holds this very string, so comparing or hashing it again costs nothing.
 */
export function decodeEnvelopeOf(payload: string, namespace: string, prefix: string, knownSender?: string): DecodeResult {
  if (payload.length <= HAND_READ_CHARS && payload.startsWith(prefix)) {
    const envelope = readCanonical(payload, prefix.length, namespace, knownSender);
    if (envelope !== undefined) return { ok: true, envelope };
  }
  return decodeEnvelope(payload);
}

/**
 * Decodes any payload from the bus; never throws. A sequence must be a positive safe integer: only a
 * probe sent before its sender's first message carries 0, and only its sender reads it (`lowestSequence` 0).
 * Public for tools that watch a bus (`cachet-redis watch`): it checks the form, not a signature, and a
 * probe's extra field is ignored.
 */
export function decodeEnvelope(payload: string, lowestSequence: 0 | 1 = 1): DecodeResult {
  if (!payload.startsWith(MARK)) return { ok: false, reason: 'foreign' };
  if (!payload.startsWith(HEADER)) return { ok: false, reason: 'version' };
  // JSON allows whitespace around the body; no sender writes any, so a padded copy is a mangled one.
  if (payload.charCodeAt(payload.length - 1) !== 0x7d) return { ok: false, reason: 'corrupt' };
  let body: unknown;
  try {
    body = JSON.parse(payload.slice(HEADER.length));
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'corrupt' };
  const wire = body as Partial<Record<keyof WireBody, unknown>>;
  const keys = wire.k ?? NOTHING;
  const dependencies = wire.d ?? NOTHING;
  if (
    typeof wire.n !== 'string' ||
    typeof wire.s !== 'string' ||
    !(Number.isSafeInteger(wire.q) && (wire.q as number) >= lowestSequence) ||
    (wire.t !== undefined && !(Number.isSafeInteger(wire.t) && (wire.t as number) >= 0)) ||
    !isStringList(keys) ||
    !isStringList(dependencies) ||
    (wire.a !== undefined && wire.a !== 1) ||
    (wire.h !== undefined && wire.h !== 1)
  ) {
    return { ok: false, reason: 'corrupt' };
  }
  return {
    ok: true,
    envelope: { namespace: wire.n, sender: wire.s, sequence: wire.q as number, keys, dependencies, all: wire.a === 1, heartbeat: wire.h === 1, sentAt: wire.t as number | undefined },
  };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** A string as JSON writes it; without `JSON.stringify` when nothing needs escaping, which is nearly always. */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return '"' + text + '"';
}

function quoteList(items: readonly string[]): string {
  if (items.length > HAND_QUOTED_ITEMS) return JSON.stringify(items);
  let text = '[' + quote(items[0] as string);
  for (let i = 1; i < items.length; i++) text += ',' + quote(items[i] as string);
  return text + ']';
}

/**
 * The run of at most {@link MAX_SEQUENCE_DIGITS} decimal digits at the cursor, stepped over, as the number
 * it spells when JSON would read the same safe integer from it; `undefined` otherwise.
 */
function readSequence(cursor: Cursor): number | undefined {
  const { text } = cursor;
  const start = cursor.at;
  let value = 0;
  for (; cursor.at - start < MAX_SEQUENCE_DIGITS; cursor.at++) {
    const digit = text.charCodeAt(cursor.at) - 0x30;
    if (!(digit >= 0 && digit <= 9)) break;
    value = value * 10 + digit;
  }
  const length = cursor.at - start;
  // JSON numbers have no leading zeros.
  if (length === 0 || (length > 1 && text.charCodeAt(start) === 0x30)) return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads a message of `namespace` in exactly the form {@link encodeAfterPrefix} writes, from `start` (just
 * after the opening quote of the sender id). `undefined` on anything else, escapes included: the full
 * decoder then decides.
 */
function readCanonical(text: string, start: number, namespace: string, knownSender: string | undefined): Envelope | undefined {
  const cursor = { text, at: start };
  const sender = skipKnown(cursor, knownSender) ? knownSender : readStringBody(cursor);
  if (sender === undefined || !skip(cursor, ',"q":')) return undefined;
  const sequence = readSequence(cursor);
  if (sequence === undefined || sequence === 0) return undefined;
  const sentAt = skip(cursor, ',"t":') ? readSequence(cursor) ?? -1 : undefined;
  if (sentAt === -1) return undefined;
  const keys = skip(cursor, ',"k":[') ? readList(cursor) : NOTHING;
  const dependencies = keys !== undefined && skip(cursor, ',"d":[') ? readList(cursor) : NOTHING;
  if (keys === undefined || dependencies === undefined) return undefined;
  const all = skip(cursor, ',"a":1');
  const heartbeat = skip(cursor, ',"h":1');
  if (cursor.at !== text.length - 1 || text.charCodeAt(cursor.at) !== 0x7d) return undefined;
  return { namespace, sender, sequence, keys, dependencies, all, heartbeat, sentAt };
}

interface Cursor {
  readonly text: string;
  at: number;
}

function skip(cursor: Cursor, expected: string): boolean {
  if (!cursor.text.startsWith(expected, cursor.at)) return false;
  cursor.at += expected.length;
  return true;
}

/** Steps over `known` and its closing quote when the text continues with them (`known` holds no escape). */
function skipKnown(cursor: Cursor, known: string | undefined): known is string {
  if (known === undefined || !cursor.text.startsWith(known, cursor.at) || cursor.text.charCodeAt(cursor.at + known.length) !== 0x22) return false;
  cursor.at += known.length + 1;
  return true;
}

/** A string's characters up to its closing quote, which it steps over; `undefined` at an escape or a control character. */
function readStringBody(cursor: Cursor): string | undefined {
  const { text } = cursor;
  const start = cursor.at;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) {
      cursor.at = i + 1;
      return text.slice(start, i);
    }
    if (code === 0x5c || code < 0x20) return undefined;
  }
  return undefined;
}

/** A non-empty list of strings, from just after its `[` to just after its `]`. */
function readList(cursor: Cursor): string[] | undefined {
  const items: string[] = [];
  for (;;) {
    if (cursor.text.charCodeAt(cursor.at) !== 0x22) return undefined;
    cursor.at++;
    const item = readStringBody(cursor);
    if (item === undefined) return undefined;
    items.push(item);
    const separator = cursor.text.charCodeAt(cursor.at++);
    if (separator === 0x5d) return items;
    if (separator !== 0x2c) return undefined;
  }
}
