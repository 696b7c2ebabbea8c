import { hash } from 'node:crypto';

/**
 * The dedup key of an entry: 16 bytes of SHA-256 over project, format and the raw line. The same
 * line imported twice, tailed again or sent again in a retried HTTP batch is stored once. (One-shot
 * `crypto.hash`: a fifth cheaper per line than a Hash object. Its digest as latin1 ('binary') text, turned into
 * a Buffer from Node's shared pool: a third cheaper again than a `'buffer'` digest, which gives every
 * line a memory block of its own for the garbage collector to track and the writer thread's message
 * to copy one by one.)
 */
export function contentHash(projectUuid: string, format: string, raw: string): Buffer {
  return Buffer.from(hash('sha256', `${projectUuid}\0${format}\0${raw}`, 'binary').slice(0, 16), 'binary');
}
