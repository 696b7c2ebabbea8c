import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type SplitLine } from './line-splitter.js';

const texts = (lines: SplitLine[]) => lines.map((l) => (l.kind === 'line' ? l.bytes.toString() : `<overlong ${l.length}>`));

describe('LineSplitter', () => {
  it('joins a line split across two writes and reports absolute offsets', () => {
    const s = new LineSplitter(100);
    expect(texts(s.push(Buffer.from('ab\ncd')))).toEqual(['ab']);
    const second = s.push(Buffer.from('ef\r\ngh\n'));
    expect(texts(second)).toEqual(['cdef', 'gh']);
    expect(second.map((l) => [l.start, l.end])).toEqual([
      [103, 109],
      [109, 112],
    ]);
    expect(s.offset).toBe(112);
    expect(s.flush()).toEqual([]);
  });

  it('reports an overlong line at its end without buffering it, and goes on', () => {
    const s = new LineSplitter(0);
    const big = Buffer.alloc(70_000, 'x');
    expect(s.push(big.subarray(0, 50_000))).toEqual([]);
    expect(s.push(big.subarray(50_000))).toEqual([]);
    const out = s.push(Buffer.from('\nnext\n'));
    expect(texts(out)).toEqual(['<overlong 70000>', 'next']);
    expect(out[0]).toMatchObject({ start: 0, end: 70_001 });
    expect((out[0] as Extract<SplitLine, { kind: 'overlong' }>).excerpt).toMatch(/^x{256}\.\.\.$/);
  });

  it('hands back an unterminated last line on flush', () => {
    const s = new LineSplitter(0);
    s.push(Buffer.from('a\nlast'));
    expect(s.flush().map((l) => [l.kind === 'line' ? l.bytes.toString() : '', l.start, l.end])).toEqual([['last', 2, 6]]);
  });

  it('gives the same lines however the bytes are chunked (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z{}":,]{0,30}$/), { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), (lines, cuts) => {
        const whole = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        const s = new LineSplitter(0);
        const out: SplitLine[] = [];
        let at = 0;
        for (let i = 0; at < whole.length; i += 1) {
          const size = cuts[i % cuts.length]!;
          out.push(...s.push(whole.subarray(at, at + size)));
          at += size;
        }
        expect(texts(out)).toEqual(lines);
        expect(out.at(-1)?.end ?? 0).toBe(whole.length);
      }),
    );
  });
});
