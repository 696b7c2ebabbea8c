import { createHash } from 'node:crypto';

/**
 * The dedup key of an entry: 16 bytes of SHA-256 over project, format and the raw line. The same
 * line imported twice, tailed again or sent again in a retried HTTP batch is stored once.
 */
export function contentHash(projectUuid: string, format: string, raw: string): Buffer {
  return createHash('sha256').update(projectUuid).update('\0').update(format).update('\0').update(raw).digest().subarray(0, 16);
}
