import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byteChunks, chunks } from '../src/lines.js';

describe('byteChunks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panoptes-bench-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function both(text: string, size: number): Promise<{ bytes: string[]; lines: string[] }> {
    const path = join(dir, 'log');
    writeFileSync(path, text);
    const bytes: string[] = [];
    for await (const chunk of byteChunks(path, size)) bytes.push(chunk.toString());
    const lines: string[] = [];
    for await (const chunk of chunks(path, size)) lines.push(chunk.join('\n'));
    return { bytes, lines };
  }

  it('cuts the same bodies as the lines joined, across reads, with or without a final newline', async () => {
    // Lines longer than one read (1 MiB) together, multi-byte characters, a last line without a newline.
    const lines = Array.from({ length: 2_501 }, (_, i) => `{"n":${i},"path":"/é/${'x'.repeat(i % 900)}"}`);
    for (const text of [`${lines.join('\n')}\n`, lines.join('\n')]) {
      for (const size of [1, 7, 1_000, 2_501, 5_000]) {
        const { bytes, lines: joined } = await both(text, size);
        expect(bytes, `size ${size}`).toEqual(joined);
      }
    }
  });
});
