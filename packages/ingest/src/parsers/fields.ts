import type { LineParser, ParseOutcome } from '../entry.js';

/**
 * Typed reads from parsed JSON. Each throws a FieldError naming the field when a value is present
 * but of the wrong type; absent values are null. Log content is attacker-controlled: nothing here
 * trusts a type it did not check.
 */
export class FieldError extends Error {}

export type Json = Record<string, unknown>;

export function object(value: unknown, name: string): Json | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new FieldError(`${name} is not an object`);
  return value as Json;
}

export function text(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new FieldError(`${name} is not a string`);
  return value;
}

/** A string field where an empty string means "none" (Caddy's `user_id`). */
export function nonEmpty(value: unknown, name: string): string | null {
  const s = text(value, name);
  return s === '' ? null : s;
}

export function number(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError(`${name} is not a number`);
  return value;
}

export function integer(value: unknown, name: string): number | null {
  const n = number(value, name);
  if (n !== null && !Number.isSafeInteger(n)) throw new FieldError(`${name} is not an integer`);
  return n;
}

/** An integer that some producers write as a string ("942100"). */
export function integerLike(value: unknown, name: string): number | null {
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return integer(value, name);
}

/** The first value of a header, whether logged as a string or an array of strings; any case of name. */
export function header(headers: Json | null, name: string): string | null {
  if (headers === null) return null;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : null;
    throw new FieldError(`header ${name} is neither a string nor a list`);
  }
  return null;
}

/** `example.com:8443` -> `example.com`, `[::1]:80` -> `::1`, lower-cased. */
export function hostWithoutPort(host: string | null): string | null {
  if (host === null || host === '') return null;
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith('[')) {
    const end = trimmed.indexOf(']');
    return end === -1 ? trimmed : trimmed.slice(1, end);
  }
  const colon = trimmed.lastIndexOf(':');
  if (colon !== -1 && trimmed.indexOf(':') === colon && /^\d+$/.test(trimmed.slice(colon + 1))) return trimmed.slice(0, colon);
  return trimmed;
}

/** Seconds (float, as Caddy writes `ts`) to integer epoch milliseconds. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** Parses a line as a JSON object, or says why it is not one. */
export function parseJsonObject(line: string): Json | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `malformed JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  return value as Json;
}

/** A parser of JSON lines: malformed JSON and FieldErrors become refusals with their reason. */
export function jsonLineParser(read: (record: Json, line: string) => ParseOutcome): LineParser {
  return (line) => {
    const record = parseJsonObject(line);
    if (typeof record === 'string') return { ok: false, reason: record };
    try {
      return read(record, line);
    } catch (error) {
      if (error instanceof FieldError) return { ok: false, reason: error.message };
      throw error;
    }
  };
}
