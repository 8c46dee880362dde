import { createHmac, createSecretKey } from 'node:crypto';
import { inspect } from 'node:util';
import { HmacSha256 } from '../../../src/sync/hmac-sha256';
import { seededRandom } from './support/seeded-random';

const openssl = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('base64url');

describe('HmacSha256', () => {
  it('gives RFC 4231 test case 6 (a key longer than the block is hashed first)', () => {
    const key = Buffer.alloc(131, 0xaa);
    const digest = new HmacSha256(createSecretKey(key)).digest('Test Using Larger Than Block-Size Key - ', 'Hash Key First');
    expect(Buffer.from(digest, 'base64url').toString('hex')).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('agrees with OpenSSL at every length around the block and padding boundaries, on both paths', () => {
    const key = Buffer.from('a signing key of thirty-two bytes or more, for tests');
    const hmac = new HmacSha256(createSecretKey(key));
    // 55/56 bytes move the length field into a second block; 1,024 characters is where OpenSSL takes over.
    for (let length = 0; length <= 1100; length++) {
      const text = 'x'.repeat(length);
      expect(hmac.digest(text, '')).toBe(openssl(key, text));
      expect(hmac.digest(text.slice(1), '}')).toBe(openssl(key, `${text.slice(1)}}`));
    }
  });

  it('agrees with OpenSSL on random texts of every UTF-8 width and keys of every length class', () => {
    const random = seededRandom(0x5eed);
    const alphabet = ['a', '"', '\\', 'é', 'ß', '€', '中', '🎉', '\u{10ffff}', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff'];
    for (const keyBytes of [32, 63, 64, 65, 200]) {
      const key = Buffer.from(Array.from({ length: keyBytes }, () => random.int(256)));
      const hmac = new HmacSha256(createSecretKey(key));
      for (let round = 0; round < 200; round++) {
        const parts = Array.from({ length: random.int(700) }, () => random.pick(alphabet));
        const cut = random.int(parts.length + 1);
        const [head, tail] = [parts.slice(0, cut).join(''), parts.slice(cut).join('')];
        expect(hmac.digest(head, tail)).toBe(openssl(key, head + tail));
      }
    }
  });

  it('keeps its key out of what inspecting or serializing it shows', () => {
    const key = Buffer.alloc(32, 7);
    const hmac = new HmacSha256(createSecretKey(key));
    expect(inspect(hmac, { showHidden: true, depth: Infinity })).toBe('HmacSha256 {}');
    expect(JSON.stringify(hmac)).toBe('{}');
  });
});
