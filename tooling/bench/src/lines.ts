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
