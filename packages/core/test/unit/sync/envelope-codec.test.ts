import type { Envelope } from '../../../src/sync/envelope';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_FORMAT_VERSION, envelopeOverheadBytes, listItemBytes, ownSequence, senderPrefix } from '../../../src/sync/envelope-codec';
import { seededRandom } from './support/seeded-random';

const envelope: Envelope = {
  namespace: 'shop',
  sender: '6f1c2b0e-8a53-4f0e-9d43-1c7e1b2a9f00',
  sequence: 42,
  keys: ['shop:Catalogue.getProduct(1)', 'shop:Catalogue.getProduct("ünïcødé \\"quoted\\"")'],
  dependencies: ['product:1', 'emoji 🎉'],
  all: false,
  heartbeat: false,
};

/** Bytes with the cachet header and `body` as the JSON text. */
function withBody(body: string, version = ENVELOPE_FORMAT_VERSION): Uint8Array {
  return Buffer.concat([Buffer.from([0xca, 0xc7, version]), Buffer.from(body, 'utf8')]);
}

describe('envelope codec', () => {
  it('round-trips keys, dependencies, clear-all and heartbeat', () => {
    for (const original of [
      envelope,
      { ...envelope, keys: [], dependencies: [], all: true },
      { ...envelope, keys: [], dependencies: [], heartbeat: true, sequence: 1 },
      { ...envelope, keys: ['only a key'], dependencies: [] },
      { ...envelope, sequence: Number.MAX_SAFE_INTEGER },
    ]) {
      expect(decodeEnvelope(encodeEnvelope(original))).toEqual({ ok: true, envelope: original });
    }
  });

  it('decodes a payload that is a view into a larger buffer', () => {
    const encoded = encodeEnvelope(envelope);
    const larger = new Uint8Array(encoded.length + 20);
    larger.set(encoded, 10);
    expect(decodeEnvelope(larger.subarray(10, 10 + encoded.length))).toEqual({ ok: true, envelope });
  });

  it('decodes a Buffer that is a slice of a larger one, as ioredis hands them over', () => {
    const encoded = encodeEnvelope(envelope);
    const larger = Buffer.concat([Buffer.from('0123456789'), encoded, Buffer.from('trailing')]);
    expect(decodeEnvelope(larger.subarray(10, 10 + encoded.length))).toEqual({ ok: true, envelope });
  });

  it('writes the body as the JSON of its short-named fields, in order, as every instance of this format version expects', () => {
    const body = { n: envelope.namespace, s: envelope.sender, q: envelope.sequence, k: envelope.keys, d: envelope.dependencies };
    expect(Buffer.from(encodeEnvelope(envelope))).toEqual(withBody(JSON.stringify(body)));
    expect(Buffer.from(encodeEnvelope({ ...envelope, keys: [], dependencies: [], all: true, heartbeat: true }))).toEqual(
      withBody(JSON.stringify({ n: envelope.namespace, s: envelope.sender, q: envelope.sequence, a: 1, h: 1 })),
    );
  });

  it('never carries values, only what is invalidated', () => {
    const text = Buffer.from(encodeEnvelope(envelope)).subarray(3).toString('utf8');
    expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['d', 'k', 'n', 'q', 's']);
  });

  it.each([
    ['an empty payload', new Uint8Array(0)],
    ['plain text', Buffer.from('hello')],
    ['JSON', Buffer.from('{"n":"shop"}')],
    ['one magic byte', Uint8Array.from([0xca])],
    ['the magic bytes without a version', Uint8Array.from([0xca, 0xc7])],
  ])('drops %s as foreign', (_, payload) => {
    expect(decodeEnvelope(payload)).toEqual({ ok: false, reason: 'foreign' });
  });

  it('drops another format version as version', () => {
    const bytes = Buffer.from(encodeEnvelope(envelope));
    bytes[2] = ENVELOPE_FORMAT_VERSION + 1;
    expect(decodeEnvelope(bytes)).toEqual({ ok: false, reason: 'version' });
    expect(decodeEnvelope(withBody('{}', 0))).toEqual({ ok: false, reason: 'version' });
  });

  it.each([
    ['truncated JSON', '{"n":"shop","s":"x","q":1'],
    ['an empty body', ''],
    ['invalid UTF-8', '\uFFFD'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a missing namespace', '{"s":"x","q":1}'],
    ['a numeric sender', '{"n":"shop","s":1,"q":1}'],
    ['a fractional sequence', '{"n":"shop","s":"x","q":1.5}'],
    ['a string sequence', '{"n":"shop","s":"x","q":"1"}'],
    ['keys that are not a list', '{"n":"shop","s":"x","q":1,"k":"shop:a"}'],
    ['keys that are not strings', '{"n":"shop","s":"x","q":1,"k":["a",2]}'],
    ['dependencies that are not strings', '{"n":"shop","s":"x","q":1,"d":[{}]}'],
    ['a clear flag other than 1', '{"n":"shop","s":"x","q":1,"a":true}'],
    ['a heartbeat flag other than 1', '{"n":"shop","s":"x","q":1,"h":"yes"}'],
  ])('drops %s as corrupt', (_, body) => {
    expect(decodeEnvelope(withBody(body))).toEqual({ ok: false, reason: 'corrupt' });
  });

  it('never throws, whatever the bytes (10,000 random payloads, with and without the header)', () => {
    const random = seededRandom(0xcac7e);
    const reasons = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const bytes = Buffer.alloc(random.int(64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = random.int(256);
      if (i % 2 === 0 && bytes.length >= 3) {
        bytes[0] = 0xca;
        bytes[1] = 0xc7;
        if (i % 4 === 0) bytes[2] = ENVELOPE_FORMAT_VERSION;
      }
      const result = decodeEnvelope(bytes);
      reasons.add(result.ok ? 'ok' : result.reason);
    }
    expect([...reasons].sort()).toEqual(['corrupt', 'foreign', 'version']);
  });

  it('never throws on mutated valid envelopes', () => {
    const random = seededRandom(7);
    const valid = encodeEnvelope(envelope);
    for (let i = 0; i < 5_000; i++) {
      const bytes = Buffer.from(valid);
      for (let flips = 1 + random.int(4); flips > 0; flips--) bytes[3 + random.int(bytes.length - 3)] = random.int(256);
      const cut = random.int(4) === 0 ? bytes.subarray(0, random.int(bytes.length)) : bytes;
      expect(() => decodeEnvelope(cut)).not.toThrow();
    }
  });

  describe('size estimates used to cut batches', () => {
    /** The bytes an envelope of `keys` really takes, against what the estimates add up to. */
    function sizes(keys: string[]): { actual: number; estimate: number } {
      const actual = encodeEnvelope({ ...envelope, sequence: Number.MAX_SAFE_INTEGER, keys, dependencies: [] }).length;
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

  it('leaves to the full decoder the messages of another sender or namespace, and anything malformed', () => {
    expect(ownSequence(encodeEnvelope({ ...envelope, sender: '00000000-8a53-4f0e-9d43-1c7e1b2a9f00' }), prefix)).toBeUndefined();
    expect(ownSequence(encodeEnvelope({ ...envelope, namespace: 'shop2' }), prefix)).toBeUndefined();
    const head = `{"n":"shop","s":"${envelope.sender}","q":`;
    for (const body of [head, `${head}}`, `${head}x}`, `${head}12`, `${head}-1,"k":[]}`, `${head}${'9'.repeat(20)},"k":[]}`]) {
      expect(ownSequence(withBody(body), prefix)).toBeUndefined();
    }
    expect(ownSequence(withBody(`${head}12,"k":[]}`, ENVELOPE_FORMAT_VERSION + 1), prefix)).toBeUndefined();
  });
});
