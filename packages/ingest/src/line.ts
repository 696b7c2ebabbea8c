import { isUtf8 } from 'node:buffer';
import type { IngestParser } from '@panoptes/db-core';
import type { ParseOutcome } from './entry.js';
import { PARSERS } from './parsers/index.js';

/** Lines longer than this are rejected, never buffered without bound. */
export const MAX_LINE_BYTES = 64 * 1024;
const EXCERPT_CHARS = 256;

/** The start of a line for ingest_rejects, as text (invalid bytes replaced). */
export function excerpt(line: Buffer | string): string {
  const text = typeof line === 'string' ? line : line.subarray(0, EXCERPT_CHARS * 4).toString('utf8');
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}...` : text;
}

/** Checks a raw line (size, UTF-8) and parses it with the source's parser. */
export function parseLineBytes(parser: IngestParser, bytes: Buffer): ParseOutcome {
  if (bytes.length > MAX_LINE_BYTES) return { ok: false, reason: `line exceeds ${MAX_LINE_BYTES / 1024} KiB (${bytes.length} bytes)` };
  if (!isUtf8(bytes)) return { ok: false, reason: 'invalid UTF-8' };
  return PARSERS[parser](bytes.toString('utf8'));
}
