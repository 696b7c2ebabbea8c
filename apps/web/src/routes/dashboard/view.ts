/** The dashboard's view in the URL: a time range (see time-range.ts) and an auto-refresh interval. */
import { readRange, writeRange, type TimeRange } from '../../components/time-range.js';

export const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: '24h' };
/** Auto-refresh choices in seconds; 0 is off. */
export const REFRESH_SECONDS = [0, 10, 30, 60, 300] as const;
export const DEFAULT_REFRESH = 30;

export interface DashboardView {
  readonly range: TimeRange;
  readonly refreshSeconds: number;
}

/** The view a URL asks for; a missing or unknown value falls back to the default (a refresh of 1 s is never taken). */
export function readView(params: URLSearchParams): DashboardView {
  const refresh = Number(params.get('refresh') ?? DEFAULT_REFRESH);
  return { range: readRange(params, DEFAULT_RANGE) ?? DEFAULT_RANGE, refreshSeconds: (REFRESH_SECONDS as readonly number[]).includes(refresh) ? refresh : DEFAULT_REFRESH };
}

/** `params` with the view written in; other parameters kept. */
export function writeView(params: URLSearchParams, view: DashboardView): URLSearchParams {
  const next = writeRange(params, view.range);
  next.set('refresh', String(view.refreshSeconds));
  return next;
}

/** The log browser's URL for "this value" of a top list, in the dashboard's time range. */
export function logsLink(filter: string, value: string | number, range: TimeRange): string {
  return `/logs?${writeRange(new URLSearchParams({ [filter]: String(value) }), range)}`;
}

export const refreshLabel = (s: number) => (s === 0 ? 'off' : s < 60 ? `${s} s` : `${s / 60} min`);
