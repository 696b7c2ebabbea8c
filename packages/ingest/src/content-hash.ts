import { hash } from 'node:crypto';

/** The bytes hashed before a line given as bytes: project and format, then the line after them. */
let scratch = Buffer.allocUnsafe(64 * 1024 + 256);
let prefixProject: string | undefined;
let prefixFormat: string | undefined;
let prefixLength = 0;

/**
 * The dedup key of an entry: 16 bytes of SHA-256 over project, format and the raw line. The same
 * line imported twice, tailed again or sent again in a retried HTTP batch is stored once. (One-shot
 * `crypto.hash`: a fifth cheaper per line than a Hash object. Its digest as latin1 ('binary') text, turned into
 * a Buffer from Node's shared pool: a third cheaper again than a `'buffer'` digest, which gives every
 * line a memory block of its own for the garbage collector to track and the writer thread's message
 * to copy one by one.) A line given as its UTF-8 bytes (as read) is hashed as they are, after the
 * project and format in a reused buffer: the same digest as of the text, without building and
 * encoding a string of the three (1.0 against 1.2 us a Caddy line).
 */
export function contentHash(projectUuid: string, format: string, raw: string | Uint8Array): Buffer {
  if (typeof raw === 'string') return Buffer.from(hash('sha256', `${projectUuid}\0${format}\0${raw}`, 'binary').slice(0, 16), 'binary');
  if (projectUuid !== prefixProject || format !== prefixFormat) {
    prefixLength = scratch.write(`${projectUuid}\0${format}\0`);
    prefixProject = projectUuid;
    prefixFormat = format;
  }
  const length = prefixLength + raw.length;
  if (length > scratch.length) {
    const larger = Buffer.allocUnsafe(length);
    scratch.copy(larger, 0, 0, prefixLength);
    scratch = larger;
  }
  scratch.set(raw, prefixLength);
  return Buffer.from(hash('sha256', scratch.subarray(0, length), 'binary').slice(0, 16), 'binary');
}
