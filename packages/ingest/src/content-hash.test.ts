import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.js';

describe('contentHash', () => {
  it('is the first 16 bytes of SHA-256 over project, format and line, for any text (the keys already stored stay valid)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        const expected = createHash('sha256').update(`p\0caddy_access\0${raw}`, 'utf8').digest().subarray(0, 16);
        expect(contentHash('p', 'caddy_access', raw).equals(expected)).toBe(true);
      }),
    );
    expect(contentHash('p', 'caddy_access', 'GET /é\u{1F600}').toString('hex')).toBe(createHash('sha256').update('p\0caddy_access\0GET /é\u{1F600}').digest('hex').slice(0, 32));
  });

  it('gives a line given as its UTF-8 bytes the digest of its text, whatever came before and however long', () => {
    fc.assert(
      fc.property(fc.constantFrom('p', '00000000-0000-0000-0000-000000000001', 'é'), fc.constantFrom('caddy_access', 'audit'), fc.string({ unit: 'binary' }), (project, format, raw) => {
        expect(contentHash(project, format, Buffer.from(raw, 'utf8')).equals(contentHash(project, format, raw))).toBe(true);
      }),
    );
    const long = 'x'.repeat(70 * 1024);
    expect(contentHash('p', 'audit', Buffer.from(long)).equals(contentHash('p', 'audit', long))).toBe(true);
    expect(contentHash('q', 'audit', Buffer.from('a')).equals(contentHash('q', 'audit', 'a'))).toBe(true);
  });
});
