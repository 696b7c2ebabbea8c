/**
 * A template is text with `{{path.to.value}}` placeholders, filled from the event's variables.
 * Nothing is evaluated: a placeholder names a value, and an unknown one renders empty. Where the
 * output is HTML (e-mail, Telegram) every value is HTML-escaped; in JSON bodies values are
 * JSON-escaped.
 */
export type Escaping = 'none' | 'html' | 'json';

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_]+(?:\.[a-zA-Z0-9_]+)*)\s*\}\}/g;
const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

function lookup(variables: unknown, path: string): unknown {
  let value = variables;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function renderTemplate(template: string, variables: Readonly<Record<string, unknown>>, escaping: Escaping): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const text = stringify(lookup(variables, path));
    if (escaping === 'html') return escapeHtml(text);
    if (escaping === 'json') return JSON.stringify(text).slice(1, -1);
    return text;
  });
}
