// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/api/client.js';
import { readRange, resolveRange, writeRange } from '../../src/components/time-range.js';
import { backupHealth, errorRates, sourceHealth, type Source } from '../../src/routes/dashboard/health.js';
import { invalidFilters, readFilters, writeFilters } from '../../src/routes/logs/filters.js';
import { mergeNewer } from '../../src/routes/logs/live.js';

describe('filters <-> URL', () => {
  it('reads the valid filters and drops values the api would refuse', () => {
    const params = new URLSearchParams('source=caddy_access&status=404&statusClass=9&method=get&ip=10.0.0.0/8&path=/login&wafRule=abc&q=%20sqlmap%20&other=1');
    expect(readFilters(params)).toEqual({ source: 'caddy_access', status: '404', ip: '10.0.0.0/8', path: '/login', q: 'sqlmap' });
    expect(readFilters(new URLSearchParams('source=nginx&ip=10.0.0.0/12&status=1000'))).toEqual({});
  });

  it('writes filters in a stable order, keeps the time range and other parameters, and round-trips', () => {
    const base = new URLSearchParams('range=1h&refresh=30&status=500');
    const next = writeFilters(base, { q: 'admin', host: 'app.example.com', status: '' });
    expect(next.toString()).toBe('range=1h&refresh=30&host=app.example.com&q=admin');
    expect(readFilters(next)).toEqual({ host: 'app.example.com', q: 'admin' });
    const filters = { source: 'waf_audit', host: 'a.example', statusClass: '4', method: 'POST', ip: '203.0.113.9', path: '/x', wafRule: '942100', q: 'union select' };
    expect(readFilters(writeFilters(new URLSearchParams(), filters))).toEqual(filters);
  });

  it('names the invalid fields of a submitted form', () => {
    expect(invalidFilters({ ip: 'nope', method: 'get', status: '404' })).toEqual({ ip: 'an IP address or an IPv4 /8, /16, /24 or /32 prefix', method: 'an HTTP method in capitals' });
  });
});

describe('time ranges in the URL', () => {
  it('reads presets and custom windows, falls back on broken ones', () => {
    expect(readRange(new URLSearchParams('range=6h'), null)).toEqual({ kind: 'preset', preset: '6h' });
    expect(readRange(new URLSearchParams('from=1000&to=5000'), null)).toEqual({ kind: 'custom', from: 1000, to: 5000 });
    expect(readRange(new URLSearchParams('from=5000&to=1000'), null)).toBeNull();
    expect(readRange(new URLSearchParams('range=1y'), { kind: 'preset', preset: '24h' })).toEqual({ kind: 'preset', preset: '24h' });
  });

  it('writes one form of the range and resolves it to a window with a bucket size', () => {
    expect(writeRange(new URLSearchParams('range=1h&from=1&to=2&ip=1.2.3.4'), { kind: 'custom', from: 10, to: 20 }).toString()).toBe('ip=1.2.3.4&from=10&to=20');
    expect(writeRange(new URLSearchParams('range=1h'), null).toString()).toBe('');
    expect(resolveRange({ kind: 'preset', preset: '15m' }, 1_000_000_000)).toEqual({ from: 1_000_000_000 - 900_000, to: 1_000_000_000, bucketSeconds: 60 });
    expect(resolveRange({ kind: 'custom', from: 0, to: 3 * 86_400_000 }, 0).bucketSeconds).toBe(3600);
  });
});

describe('live tail', () => {
  const entry = (id: number, ts: number) => ({ id, ts }) as LogEntry;
  it('puts newer rows on top once each and keeps the list bounded', () => {
    const shown = [entry(5, 500), entry(4, 400), entry(3, 300)];
    const { entries, added } = mergeNewer(shown, [entry(5, 500), entry(7, 500), entry(6, 600)], 4);
    expect(entries.map((e) => e.id)).toEqual([6, 7, 5, 4]);
    expect(added).toBe(2);
    expect(mergeNewer(shown, [entry(5, 500)], 4)).toEqual({ entries: shown, added: 0 });
  });
});

describe('dashboard health', () => {
  const source = (over: Partial<Source>): Source => ({ id: 1, name: 'edge', kind: 'http', parser: 'caddy_access', enabled: true, lines_read: 10, lines_rejected: 0, lines_written: 10, bytes_behind: 0, last_error: null, last_error_at: null, updated_at: 1_000_000, ...over });
  it('flags failing, lagging, stale and disabled sources', () => {
    expect(sourceHealth(source({}), 1_000_000).level).toBe('ok');
    expect(sourceHealth(source({ last_error: 'EACCES', last_error_at: 1_000_000 }), 1_000_000)).toEqual({ level: 'bad', text: 'failing: EACCES' });
    expect(sourceHealth(source({ bytes_behind: 5 * 1_048_576 }), 1_000_000).text).toBe('behind by 5 MiB');
    expect(sourceHealth(source({}), 1_000_000 + 16 * 60_000).text).toBe('no lines lately');
    expect(sourceHealth(source({ enabled: 0 }), 1_000_000).text).toBe('disabled');
  });
  it('ages the newest backup and computes error rates', () => {
    expect(backupHealth(null, 0).text).toBe('n/a (admins only)');
    expect(backupHealth([], 0)).toEqual({ level: 'bad', text: 'no backup yet' });
    expect(backupHealth([0, 3 * 86_400_000], 3 * 86_400_000 + 5 * 3_600_000)).toEqual({ level: 'ok', text: '5 h old' });
    expect(backupHealth([0], 3 * 86_400_000)).toEqual({ level: 'warn', text: '3 days old' });
    expect(errorRates([{ requests: 8, s4xx: 2, s5xx: 1 }, { requests: 2, s4xx: 0, s5xx: 1 }])).toEqual({ total: 10, clientPct: 20, serverPct: 20 });
    expect(errorRates([]).serverPct).toBe(0);
  });
});
