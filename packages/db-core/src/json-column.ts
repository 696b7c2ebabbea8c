import { PanoptesError } from './errors.js';

/** Anything with a zod-style `parse`. */
export interface Parser<T> {
  parse(input: unknown): T;
}

export interface JsonColumn<T> {
  encode(value: T): string;
  /** Parses and validates; a malformed value is an INVALID_JSON_COLUMN error naming the column. */
  decode(text: string): T;
}

/** A JSON text column (the same TEXT on both dialects) with a schema at the boundary. */
export function jsonColumn<T>(name: string, schema: Parser<T>): JsonColumn<T> {
  return {
    encode: (value) => JSON.stringify(schema.parse(value)),
    decode: (text) => {
      try {
        return schema.parse(JSON.parse(text));
      } catch (error) {
        throw new PanoptesError('INVALID_JSON_COLUMN', `column ${name} holds a value that does not match its schema`, { cause: error });
      }
    },
  };
}
