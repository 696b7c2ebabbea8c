/**
 * Form fields declared once, turned into the api's camelCase JSON and back: numbers become numbers,
 * checkboxes booleans, empty optional fields are left out (on edit: unchanged), JSON fields parsed.
 */

export type FieldKind = 'text' | 'number' | 'checkbox' | 'select' | 'textarea' | 'json' | 'password';

export interface FieldSpec {
  /** The api's input name (camelCase); the row column is its snake_case form. */
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly required?: boolean;
  readonly options?: readonly (string | { readonly value: string; readonly label: string })[];
  readonly hint?: string;
  /** A JSON field's value when the form leaves it empty. */
  readonly placeholder?: string;
  /** The value a new row's form starts with. */
  readonly initial?: string | boolean;
  /** A select whose values are numbers (ids). */
  readonly numeric?: boolean;
  /** Empty means null (the api takes `null` to clear it) rather than "leave out". */
  readonly nullable?: boolean;
}

export const columnOf = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export class FormProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body for the api from the form's string values. Throws FormProblem for a value the browser can check. */
export function toBody(fields: readonly FieldSpec[], values: Record<string, string>, checked: ReadonlySet<string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === 'checkbox') {
      body[f.name] = checked.has(f.name);
      continue;
    }
    const raw = (values[f.name] ?? '').trim();
    if (raw === '') {
      if (f.nullable) body[f.name] = null;
      continue;
    }
    if (f.kind === 'number' || f.numeric) {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new FormProblem(f.name, 'must be a number');
      body[f.name] = n;
    } else if (f.kind === 'json') {
      try {
        body[f.name] = JSON.parse(raw);
      } catch {
        throw new FormProblem(f.name, 'must be valid JSON');
      }
    } else body[f.name] = f.kind === 'password' || f.kind === 'textarea' ? (values[f.name] ?? '') : raw;
  }
  return body;
}

/** A row's value of a field as the form's initial string (or checked state). */
export function initialValue(field: FieldSpec, row: Record<string, unknown> | null): string | boolean {
  if (row === null && field.initial !== undefined) return field.initial;
  const value = row?.[columnOf(field.name)];
  if (field.kind === 'checkbox') return value === true || value === 1;
  if (field.kind === 'password' || value === null || value === undefined) return '';
  if (field.kind === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return String(value);
}

/** Moves the item at `from` one place up (-1) or down (+1); the same array when it cannot move. */
export function move<T>(items: readonly T[], from: number, by: -1 | 1): readonly T[] {
  const to = from + by;
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return items;
  const next = [...items];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
}
