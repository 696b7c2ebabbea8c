/** Time ranges kept in the URL: a preset (`range=1h`) or a custom `from`/`to` in epoch milliseconds. */

export const PRESETS = {
  '15m': { label: '15 min', ms: 15 * 60_000, bucketSeconds: 60 },
  '1h': { label: '1 h', ms: 3_600_000, bucketSeconds: 60 },
  '6h': { label: '6 h', ms: 6 * 3_600_000, bucketSeconds: 300 },
  '24h': { label: '24 h', ms: 86_400_000, bucketSeconds: 900 },
  '7d': { label: '7 d', ms: 7 * 86_400_000, bucketSeconds: 3600 },
} as const;
export type Preset = keyof typeof PRESETS;

export type TimeRange = { readonly kind: 'preset'; readonly preset: Preset } | { readonly kind: 'custom'; readonly from: number; readonly to: number };

const isPreset = (v: string | null): v is Preset => v !== null && Object.hasOwn(PRESETS, v);
const epoch = (v: string | null) => (v !== null && /^\d{1,15}$/.test(v) ? Number(v) : null);

/** The range a URL asks for; `fallback` when it names none (or a broken one). */
export function readRange(params: URLSearchParams, fallback: TimeRange | null): TimeRange | null {
  const range = params.get('range');
  if (isPreset(range)) return { kind: 'preset', preset: range };
  const from = epoch(params.get('from'));
  const to = epoch(params.get('to'));
  if (from !== null && to !== null && from < to) return { kind: 'custom', from, to };
  return fallback;
}

/** `params` with the range written in (and any other range parameters removed). */
export function writeRange(params: URLSearchParams, range: TimeRange | null): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const k of ['range', 'from', 'to']) next.delete(k);
  if (range?.kind === 'preset') next.set('range', range.preset);
  else if (range?.kind === 'custom') {
    next.set('from', String(range.from));
    next.set('to', String(range.to));
  }
  return next;
}

/** The absolute window of a range at `now`, with a bucket size suited to it. */
export function resolveRange(range: TimeRange, now: number): { from: number; to: number; bucketSeconds: number } {
  if (range.kind === 'preset') return { from: now - PRESETS[range.preset].ms, to: now, bucketSeconds: PRESETS[range.preset].bucketSeconds };
  const span = range.to - range.from;
  const bucketSeconds = span <= 6 * 3_600_000 ? 60 : span <= 2 * 86_400_000 ? 900 : span <= 14 * 86_400_000 ? 3600 : 86_400;
  return { from: range.from, to: range.to, bucketSeconds };
}
