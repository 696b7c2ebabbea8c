/** The log browser's filters: parsed from the URL (invalid values dropped), written back, sent to the api. */
import { readRange, resolveRange } from '../../components/time-range.js';

export const SOURCES = ['caddy_access', 'caddy_error', 'waf_audit', 'audit'] as const;

export interface FilterSpec {
  readonly name: string;
  readonly label: string;
  readonly valid: (v: string) => boolean;
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly placeholder?: string;
}

const int = (min: number, max: number) => (v: string) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;

export const FILTERS: readonly FilterSpec[] = [
  { name: 'source', label: 'Source', valid: (v) => (SOURCES as readonly string[]).includes(v), options: SOURCES.map((s) => ({ value: s, label: s })) },
  { name: 'host', label: 'Host', valid: (v) => v.length <= 253, placeholder: 'app.example.com' },
  { name: 'statusClass', label: 'Status class', valid: int(1, 5), options: [1, 2, 3, 4, 5].map((c) => ({ value: String(c), label: `${c}xx` })) },
  { name: 'status', label: 'Status', valid: int(0, 999), placeholder: '404' },
  { name: 'method', label: 'Method', valid: (v) => /^[A-Z]{1,16}$/.test(v), options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => ({ value: m, label: m })) },
  { name: 'ip', label: 'Client IP', valid: (v) => /^[0-9a-fA-F:.]+(\/(8|16|24|32))?$/.test(v), placeholder: '203.0.113.0/24' },
  { name: 'path', label: 'Path', valid: (v) => v.length <= 500, placeholder: '/login' },
  { name: 'wafRule', label: 'WAF rule', valid: int(1, Number.MAX_SAFE_INTEGER), placeholder: '942100' },
  { name: 'q', label: 'Text', valid: (v) => v.length <= 200, placeholder: 'anywhere in the entry' },
];

export type Filters = Readonly<Record<string, string>>;

/** The valid filters of a URL; values the api would refuse are dropped (a broken link still shows something). */
export function readFilters(params: URLSearchParams): Filters {
  const out: Record<string, string> = {};
  for (const f of FILTERS) {
    const v = params.get(f.name)?.trim();
    if (v && f.valid(v)) out[f.name] = v;
  }
  return out;
}

/** `params` with `filters` written in (other parameters, such as the time range, kept); stable order. */
export function writeFilters(params: URLSearchParams, filters: Filters): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const f of FILTERS) next.delete(f.name);
  for (const f of FILTERS) {
    const v = filters[f.name]?.trim();
    if (v) next.set(f.name, v);
  }
  return next;
}

/** Which filters of a submitted form are invalid, with the message to show next to each. */
export function invalidFilters(values: Filters): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const f of FILTERS) {
    const v = values[f.name]?.trim();
    if (v && !f.valid(v)) problems[f.name] = f.name === 'ip' ? 'an IP address or an IPv4 /8, /16, /24 or /32 prefix' : f.name === 'method' ? 'an HTTP method in capitals' : 'not a valid value';
  }
  return problems;
}

/** The api query of the view a URL describes: its valid filters and its time range resolved at `now`. */
export function searchQuery(params: URLSearchParams, now: number): URLSearchParams {
  const q = new URLSearchParams(Object.entries(readFilters(params)));
  const range = readRange(params, null);
  if (range !== null) {
    const { from, to } = resolveRange(range, now);
    q.set('from', String(from));
    q.set('to', String(to));
  }
  return q;
}
