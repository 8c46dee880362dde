import { createHmac, createSecretKey } from 'node:crypto';
import type { Envelope } from '../../../src/sync/envelope';
import {
  decodeEnvelope,
  decodeEnvelopeOf,
  encodeAfterPrefix,
  encodeEnvelope,
  encodeProbe,
  ENVELOPE_FORMAT_VERSION,
  envelopeOverheadBytes,
  listItemBytes,
  namespacePrefix,
  ownSequence,
  senderPrefix,
} from '../../../src/sync/envelope-codec';
import { EnvelopeSigner } from '../../../src/sync/envelope-signer';
import { seededRandom, type SeededRandom } from './support/seeded-random';

const envelope: Envelope = {
  namespace: 'shop',
  sender: '6f1c2b0e-8a53-4f0e-9d43-1c7e1b2a9f00',
  sequence: 42,
  keys: ['shop:Catalogue.getProduct(1)', 'shop:Catalogue.getProduct("ünïcødé \\"quoted\\"")'],
  dependencies: ['product:1', 'emoji 🎉'],
  all: false,
  heartbeat: false,
};

/** A payload with the cachet header and `body` as the JSON text. */
function withBody(body: string, version = ENVELOPE_FORMAT_VERSION): string {
  return `cachet/${version} ${body}`;
}

/** How a receiver of `namespace` decodes, through its fast path. */
function decodeIn(namespace: string, payload: string): ReturnType<typeof decodeEnvelope> {
  return decodeEnvelopeOf(payload, namespace, namespacePrefix(namespace));
}

describe('envelope codec', () => {
  it('round-trips keys, dependencies, clear-all and heartbeat, through both decoders', () => {
    for (const original of [
      envelope,
      { ...envelope, keys: [], dependencies: [], all: true },
      { ...envelope, keys: [], dependencies: [], heartbeat: true, sequence: 1 },
      { ...envelope, keys: ['only a key'], dependencies: [] },
      { ...envelope, keys: [], dependencies: ['only a tag'] },
      { ...envelope, keys: ['k'], dependencies: ['d'], all: true, heartbeat: true, sequence: 1 },
      { ...envelope, sequence: Number.MAX_SAFE_INTEGER },
      { ...envelope, namespace: 'name "space" \\ ünï\n', keys: ['\u0000\u001f', '\ud800 lone', ''] },
      // A batch: more items and characters than are quoted and read by hand.
      { ...envelope, keys: Array.from({ length: 300 }, (_, i) => `shop:Catalogue.getProduct(${i})`), dependencies: ['a', 'b"', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] },
    ]) {
      const encoded = encodeEnvelope(original);
      expect(decodeEnvelope(encoded)).toEqual({ ok: true, envelope: original });
      expect(decodeIn(original.namespace, encoded)).toEqual({ ok: true, envelope: original });
    }
  });

  it('writes `cachet/<version> ` and the JSON of its short-named fields, in order, as every instance of this format version expects', () => {
    const body = { n: envelope.namespace, s: envelope.sender, q: envelope.sequence, k: envelope.keys, d: envelope.dependencies };
    expect(encodeEnvelope(envelope)).toBe(withBody(JSON.stringify(body)));
    expect(encodeEnvelope({ ...envelope, keys: [], dependencies: [], all: true, heartbeat: true })).toBe(
      withBody(JSON.stringify({ n: envelope.namespace, s: envelope.sender, q: envelope.sequence, a: 1, h: 1 })),
    );
    expect(ENVELOPE_FORMAT_VERSION).toBe(2);
  });

  it('carries the send time of an invalidation as "t", read by both decoders; a message without it decodes too', () => {
    const stamped = { ...envelope, keys: ['k'], dependencies: [], sentAt: 1_765_000_000_123 };
    const encoded = encodeEnvelope(stamped);
    expect(encoded).toBe(withBody(JSON.stringify({ n: 'shop', s: envelope.sender, q: 42, t: 1_765_000_000_123, k: ['k'] })));
    expect(decodeIn('shop', encoded)).toEqual({ ok: true, envelope: stamped });
    expect(decodeEnvelope(encoded)).toEqual({ ok: true, envelope: stamped });
    const unstamped = decodeIn('shop', encodeEnvelope({ ...stamped, sentAt: undefined }));
    expect(unstamped.ok && unstamped.envelope.sentAt).toBeUndefined();
    for (const bad of ['-1', '1.5', '"now"']) expect(decodeIn('shop', encoded.replace('1765000000123', bad))).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('encodes from a sender\'s precomputed prefix exactly as from the whole envelope', () => {
    const prefix = senderPrefix(envelope.namespace, envelope.sender);
    expect(encodeAfterPrefix(prefix, envelope.sequence, envelope)).toBe(encodeEnvelope(envelope));
    expect(encodeAfterPrefix(prefix, 9, { keys: [], dependencies: [], all: false, heartbeat: true })).toBe(encodeEnvelope({ ...envelope, keys: [], dependencies: [], sequence: 9, heartbeat: true }));
  });

  it('never carries values, only what is invalidated', () => {
    const text = encodeEnvelope(envelope).slice(`cachet/${ENVELOPE_FORMAT_VERSION} `.length);
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['d', 'k', 'n', 'q', 's']);
  });

  it.each([
    ['an empty payload', ''],
    ['plain text', 'hello'],
    ['JSON', '{"n":"shop"}'],
    ['the format 1 binary header', '\u00ca\u00c7\u0001{"n":"shop","s":"x","q":1}'],
    ['a near miss of the mark', 'cachet2 {}'],
  ])('drops %s as foreign', (_, payload) => {
    expect(decodeEnvelope(payload)).toEqual({ ok: false, reason: 'foreign' });
    expect(decodeIn('shop', payload)).toEqual({ ok: false, reason: 'foreign' });
  });

  it('drops another format version as version', () => {
    const body = encodeEnvelope(envelope).slice(`cachet/${ENVELOPE_FORMAT_VERSION} `.length);
    for (const payload of [withBody(body, ENVELOPE_FORMAT_VERSION + 1), withBody('{}', 1), withBody(body, 22), 'cachet/', `cachet/${ENVELOPE_FORMAT_VERSION}{}`]) {
      expect(decodeEnvelope(payload)).toEqual({ ok: false, reason: 'version' });
      expect(decodeIn('shop', payload)).toEqual({ ok: false, reason: 'version' });
    }
  });

  it.each([
    ['truncated JSON', '{"n":"shop","s":"x","q":1'],
    ['an empty body', ''],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a missing namespace', '{"s":"x","q":1}'],
    ['a numeric sender', '{"n":"shop","s":1,"q":1}'],
    ['a fractional sequence', '{"n":"shop","s":"x","q":1.5}'],
    ['a sequence with a leading zero', '{"n":"shop","s":"x","q":01}'],
    ['a string sequence', '{"n":"shop","s":"x","q":"1"}'],
    ['keys that are not a list', '{"n":"shop","s":"x","q":1,"k":"shop:a"}'],
    ['keys that are not strings', '{"n":"shop","s":"x","q":1,"k":["a",2]}'],
    ['a raw control character in a key', '{"n":"shop","s":"x","q":1,"k":["a\u0001b"]}'],
    ['dependencies that are not strings', '{"n":"shop","s":"x","q":1,"d":[{}]}'],
    ['a clear flag other than 1', '{"n":"shop","s":"x","q":1,"a":true}'],
    ['a heartbeat flag other than 1', '{"n":"shop","s":"x","q":1,"h":"yes"}'],
    ['trailing text', '{"n":"shop","s":"x","q":1,"k":["a"]}}'],
    ['trailing whitespace', '{"n":"shop","s":"x","q":1,"k":["a"]} '],
    ['a sequence of 0', '{"n":"shop","s":"x","q":0,"k":["a"]}'],
    ['a negative sequence', '{"n":"shop","s":"x","q":-1,"k":["a"]}'],
    ['a sequence beyond 2^53-1', `{"n":"shop","s":"x","q":${Number.MAX_SAFE_INTEGER + 1},"k":["a"]}`],
    ['a sequence far beyond 2^53-1', '{"n":"shop","s":"x","q":1e300,"k":["a"]}'],
    ['a fractional sequence read by hand up to its point', '{"n":"shop","s":"x","q":7.25,"k":["a"]}'],
    ['a null sequence', '{"n":"shop","s":"x","q":null,"k":["a"]}'],
    ['no sequence', '{"n":"shop","s":"x","k":["a"]}'],
  ])('drops %s as corrupt', (_, body) => {
    expect(decodeEnvelope(withBody(body))).toEqual({ ok: false, reason: 'corrupt' });
    expect(decodeIn('shop', withBody(body))).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('reads a probe sent before its sender\'s first message (sequence 0) only when asked to, as its sender does', () => {
    const probe = encodeProbe(senderPrefix('shop', 'x'), 0, 1);
    expect(decodeEnvelope(probe)).toEqual({ ok: false, reason: 'corrupt' });
    expect(decodeEnvelope(probe, 0)).toEqual({ ok: true, envelope: { namespace: 'shop', sender: 'x', sequence: 0, keys: [], dependencies: [], all: false, heartbeat: true } });
    expect(ownSequence(probe, senderPrefix('shop', 'x'))).toBe(0);
  });

  it('reads messages it did not write in canonical form (other field order, empty lists, unknown fields) like any JSON', () => {
    const result = { ok: true, envelope: { namespace: 'shop', sender: 'x', sequence: 3, keys: ['a'], dependencies: [], all: false, heartbeat: false } };
    for (const body of ['{"s":"x","n":"shop","q":3,"k":["a"]}', '{"n":"shop","s":"x","q":3,"k":["a"],"d":[]}', '{"n":"shop","s":"x","q":3,"k":["a"],"future":true}', '{"n":"shop","s":"x","q":3,"k":["\\u0061"]}']) {
      expect(decodeIn('shop', withBody(body))).toEqual(result);
    }
  });

  it('never throws, whatever the text (10,000 random payloads, with and without the header)', () => {
    const random = seededRandom(0xcac7e);
    const reasons = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      let text = randomText(random, random.int(64));
      if (i % 2 === 0) text = (i % 4 === 0 ? `cachet/${ENVELOPE_FORMAT_VERSION} ` : 'cachet/') + text;
      const result = decodeEnvelope(text);
      expect(decodeIn('shop', text)).toEqual(result);
      reasons.add(result.ok ? 'ok' : result.reason);
    }
    expect([...reasons].sort()).toEqual(['corrupt', 'foreign', 'version']);
  });

  it('decodes mutated and truncated valid envelopes exactly as the reference JSON decoder does, never throwing (5,000 cases)', () => {
    const random = seededRandom(7);
    const alphabet = '"\\,:[]{}0123456789akdhqsn \u0001é';
    const valid = encodeEnvelope({ ...envelope, keys: ['shop:a', 'shop:b'], dependencies: ['t'], all: true, heartbeat: true });
    const start = `cachet/${ENVELOPE_FORMAT_VERSION} `.length;
    const outcomes = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const chars = [...valid];
      for (let flips = 1 + random.int(3); flips > 0; flips--) chars[start + random.int(chars.length - start)] = random.pick([...alphabet]);
      const mutated = chars.join('');
      const text = random.int(4) === 0 ? mutated.slice(0, random.int(mutated.length)) : mutated;
      const reference = decodeEnvelope(text);
      expect(decodeIn('shop', text)).toEqual(reference);
      outcomes.add(reference.ok ? 'ok' : reference.reason);
    }
    // Both outcomes occur, so both paths were compared.
    expect([...outcomes]).toEqual(expect.arrayContaining(['ok', 'corrupt']));
  });

  describe('size estimates used to cut batches', () => {
    /** The UTF-8 bytes an envelope of `keys` really takes, against what the estimates add up to. */
    function sizes(keys: string[]): { actual: number; estimate: number } {
      const actual = Buffer.byteLength(encodeEnvelope({ ...envelope, sequence: Number.MAX_SAFE_INTEGER, keys, dependencies: [] }));
      const estimate = envelopeOverheadBytes(envelope.namespace, envelope.sender) + keys.reduce((sum, key) => sum + listItemBytes(key), 0);
      return { actual, estimate };
    }

    it.each([
      ['plain keys', ['shop:Catalogue.getProduct(1)', 'shop:Catalogue.getProduct(2)']],
      ['keys with quotes and backslashes', ['shop:C.m("a\\"b")', '\\\\\\']],
      ['multi-byte characters', ['ünïcødé', '🎉🎉🎉', '日本語']],
      ['control characters', ['\u0000\u0001\u0002\u0003', '\n\t\r', 'a\u001fb']],
      ['a lone surrogate', ['\ud800', 'x\udc00y']],
    ])('never underestimate %s (50 of each)', (_, keys) => {
      const { actual, estimate } = sizes(Array.from({ length: 50 }, (__, i) => keys.map((key) => `${key}${i}`)).flat());
      expect(estimate).toBeGreaterThanOrEqual(actual);
    });
  });
});

describe('recognising a sender\'s own messages without decoding them', () => {
  const prefix = senderPrefix(envelope.namespace, envelope.sender);

  it('reads the sequence of every message the sender encodes, heartbeats and clear-alls included', () => {
    for (const own of [envelope, { ...envelope, keys: [], dependencies: [], heartbeat: true, sequence: 7 }, { ...envelope, keys: [], dependencies: [], all: true, sequence: 0 }, { ...envelope, sequence: Number.MAX_SAFE_INTEGER }]) {
      expect(ownSequence(encodeEnvelope(own), prefix)).toBe(own.sequence);
    }
  });

  it('decodes alike whether the known sender it is given is the message\'s sender, a prefix of it, or another', () => {
    // (Which string object a repeated sender comes back as cannot be observed from JavaScript; equality can.)
    for (const known of [envelope.sender, envelope.sender.slice(0, 8), '00000000-8a53-4f0e-9d43-1c7e1b2a9f00', '']) {
      expect(decodeEnvelopeOf(encodeEnvelope(envelope), 'shop', namespacePrefix('shop'), known)).toEqual({ ok: true, envelope });
    }
  });

  it('leaves to the full decoder the messages of another sender or namespace, and anything malformed', () => {
    expect(ownSequence(encodeEnvelope({ ...envelope, sender: '00000000-8a53-4f0e-9d43-1c7e1b2a9f00' }), prefix)).toBeUndefined();
    expect(ownSequence(encodeEnvelope({ ...envelope, namespace: 'shop2' }), prefix)).toBeUndefined();
    const head = `{"n":"shop","s":"${envelope.sender}","q":`;
    for (const body of [head, `${head}}`, `${head}x}`, `${head}12`, `${head}-1,"k":[]}`, `${head}012,"k":[]}`, `${head}${'9'.repeat(20)},"k":[]}`]) {
      expect(ownSequence(withBody(body), prefix)).toBeUndefined();
    }
    expect(ownSequence(withBody(`${head}12,"k":[]}`, ENVELOPE_FORMAT_VERSION + 1), prefix)).toBeUndefined();
  });
});

/** `length` characters drawn mostly from JSON's punctuation and the envelope's field names, so some parse. */
function randomText(random: SeededRandom, length: number): string {
  const alphabet = [...'{}[]":,0123456789nsqkdah \\', '"n":"shop"', '"s":"x"', '"q":1', 'é', '🎉', '\u0000'];
  let text = '';
  for (let i = 0; i < length; i++) text += random.pick(alphabet);
  return text;
}

describe('signed messages', () => {
  const current = new EnvelopeSigner([createSecretKey(Buffer.alloc(32, 1))]);
  const rotated = new EnvelopeSigner([createSecretKey(Buffer.alloc(32, 2)), createSecretKey(Buffer.alloc(32, 1))]);
  const other = new EnvelopeSigner([createSecretKey(Buffer.alloc(32, 3))]);
  const prefix = senderPrefix(envelope.namespace, envelope.sender);

  it('end with a "g" field holding the base64url HMAC-SHA256 of the unsigned text, which verifying gives back', () => {
    const unsigned = encodeEnvelope(envelope);
    const signed = encodeEnvelope(envelope, current);
    const digest = createHmac('sha256', Buffer.alloc(32, 1)).update(unsigned).digest('base64url');
    expect(signed).toBe(`${unsigned.slice(0, -1)},"g":"${digest}"}`);
    expect(Buffer.byteLength(signed) - Buffer.byteLength(unsigned)).toBeLessThanOrEqual(EnvelopeSigner.overheadBytes);
    expect(current.verify(signed)).toBe(unsigned);
  });

  it('sign every kind of message, probes included, which keep their sender\'s prefix', () => {
    const probe = encodeProbe(prefix, 0, 3, current);
    expect(current.verify(probe)).toBe(encodeProbe(prefix, 0, 3));
    expect(ownSequence(probe, prefix)).toBe(0);
    const heartbeat = encodeAfterPrefix(prefix, 5, { keys: [], dependencies: [], all: false, heartbeat: true }, current);
    expect(ownSequence(heartbeat, prefix)).toBe(5);
    expect(current.verify(heartbeat)).toBe(encodeAfterPrefix(prefix, 5, { keys: [], dependencies: [], all: false, heartbeat: true }));
  });

  it('verify under any listed key and sign under the first', () => {
    const byCurrent = encodeEnvelope(envelope, current);
    expect(rotated.verify(byCurrent)).toBe(encodeEnvelope(envelope));
    expect(current.verify(encodeEnvelope(envelope, rotated))).toBeUndefined();
    expect(other.verify(byCurrent)).toBeUndefined();
  });

  it('are read by instances without keys, which ignore the signature', () => {
    const signed = encodeEnvelope(envelope, current);
    expect(decodeEnvelope(signed)).toEqual({ ok: true, envelope });
    expect(decodeIn(envelope.namespace, signed)).toEqual({ ok: true, envelope });
  });

  it('fail verification when unsigned, truncated, extended or changed anywhere (every single-character change of a message)', () => {
    const signed = encodeEnvelope({ ...envelope, keys: ['shop:a'], dependencies: [] }, current);
    expect(current.verify(encodeEnvelope(envelope))).toBeUndefined();
    for (const forged of ['', '}', signed.slice(0, -1), signed + ' ', signed + '}', signed.slice(1), `${signed.slice(0, -2)}="}`]) {
      expect(current.verify(forged)).toBeUndefined();
    }
    for (let i = 0; i < signed.length; i++) {
      for (const replacement of ['A', '0', 'é', '\u0000']) {
        if (signed[i] === replacement) continue;
        expect(current.verify(signed.slice(0, i) + replacement + signed.slice(i + 1))).toBeUndefined();
      }
    }
  });
});

