import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMemberGzip } from './gzip-members.js';

/** Feeds `chunks` through the stream and returns its whole output. */
async function gzipped(chunks: readonly Buffer[], level = 1): Promise<Buffer> {
  return buffer(Readable.from(chunks).pipe(createMemberGzip(level)));
}

describe('createMemberGzip', () => {
  it('writes members that gunzip back to the exact input, whatever the chunking', async () => {
    const text = Buffer.from('GET /index.html 200 1234 "Mozilla/5.0"\n'.repeat(80_000));
    const noise = randomBytes(3 * 1024 * 1024 + 17);
    const input = Buffer.concat([text, noise, text.subarray(0, 12_345)]);
    for (const size of [1000, 64 * 1024, 4 * 1024 * 1024 + 3]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length; at += size) chunks.push(input.subarray(at, at + size));
      expect(gunzipSync(await gzipped(chunks)).equals(input)).toBe(true);
    }
  });

  it('compresses what shrinks and stores what does not', async () => {
    const text = Buffer.from('{"status":200,"uri":"/api/v1/items"}\n'.repeat(100_000));
    expect((await gzipped([text])).length).toBeLessThan(text.length / 20);
    const noise = randomBytes(4 * 1024 * 1024);
    const stored = await gzipped([noise]);
    // Noise cannot shrink: what comes out is the input and the block and member framing.
    expect(stored.length).toBeLessThan(noise.length * 1.001);
    expect(gunzipSync(stored).equals(noise)).toBe(true);
  });

  it('writes a valid gzip stream for empty input', async () => {
    expect(gunzipSync(await gzipped([])).length).toBe(0);
  });
});
