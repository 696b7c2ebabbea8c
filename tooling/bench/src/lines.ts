import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The lines of a (possibly huge) file, in order, without holding the file in one string. */
export async function* readLines(path: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line !== '') yield line;
}

/** Lines grouped `size` at a time. */
export async function* chunks(path: string, size: number): AsyncGenerator<string[]> {
  let chunk: string[] = [];
  for await (const line of readLines(path)) {
    chunk.push(line);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * The file's lines `size` at a time as its own bytes, newline-separated without a final newline (the
 * body a log shipper posts): a load generator that decoded, split and joined every line as strings
 * spent 6 us a line of the machine's CPU beside the server it measures.
 */
export async function* byteChunks(path: string, size: number): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const read of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const data = rest.length === 0 ? (read as Buffer) : Buffer.concat([rest, read as Buffer]);
    let start = 0;
    let at = start - 1;
    for (let lines = 0; ; ) {
      at = data.indexOf(10, at + 1);
      if (at === -1) break;
      if (++lines === size) {
        yield data.subarray(start, at);
        start = at + 1;
        lines = 0;
      }
    }
    rest = data.subarray(start);
  }
  const last = rest[rest.length - 1] === 10 ? rest.subarray(0, -1) : rest;
  if (last.length > 0) yield last;
}
