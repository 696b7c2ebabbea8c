// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/api/client.js';
import { readRange, resolveRange, writeRange } from '../../src/components/time-range.js';
import { backupHealth, errorRates, sourceCounters, sourceHealth, type Source } from '../../src/routes/dashboard/health.js';
import { seriesColumns } from '../../src/routes/dashboard/snapshot.js';
import { logsLink, readView, writeView } from '../../src/routes/dashboard/view.js';
import { FilterForm } from '../../src/routes/logs/FilterForm.js';
import { invalidFilters, readFilters, searchQuery, writeFilters } from '../../src/routes/logs/filters.js';
import { liveStatus, mergeNewer } from '../../src/routes/logs/live.js';

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

  it('turns a URL into the api query: valid filters only, the range resolved to from/to', () => {
    const q = searchQuery(new URLSearchParams('range=15m&status=abc&host=a.example&cursor=x'), 1_000_000_000);
    expect(Object.fromEntries(q)).toEqual({ host: 'a.example', from: String(1_000_000_000 - 900_000), to: '1000000000' });
    expect(searchQuery(new URLSearchParams('from=10&to=20&ip=10.0.0.1'), 0).toString()).toBe('ip=10.0.0.1&from=10&to=20');
    expect(searchQuery(new URLSearchParams('from=20&to=10'), 0).toString()).toBe('');
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
    expect(mergeNewer(shown, [entry(5, 500)], 4)).toEqual({ entries: shown, added: 0, dropped: 0 });
  });

  it('never holds more than the limit however much arrives, and counts what fell off', () => {
    let shown = [entry(1, 100)];
    let arrived = 0;
    for (let poll = 0; poll < 10; poll++) {
      const batch = Array.from({ length: 200 }, (_, i) => entry(2 + poll * 200 + i, 200 + poll * 200 + i));
      const merged = mergeNewer(shown, batch, 500);
      expect(merged.entries.length).toBeLessThanOrEqual(500);
      expect(merged.dropped).toBe(Math.max(0, shown.length + 200 - 500));
      arrived += merged.added;
      shown = merged.entries;
    }
    expect(arrived).toBe(2000);
    expect(shown).toHaveLength(500);
    expect(shown[0]!.id).toBe(2001);
    expect(shown.at(-1)!.id).toBe(1502);
  });

  it('says how many arrived and when some were skipped', () => {
    expect(liveStatus(1, false)).toBe('Live: 1 new entry; the newest 500 are kept.');
    expect(liveStatus(3, true, 10)).toMatch(/^Live: 3 new entries; the newest 10 are kept\. .*some were skipped/);
  });
});

describe('dashboard health', () => {
  const source = (over: Partial<Source>): Source => ({ id: 1, name: 'edge', kind: 'http', parser: 'caddy_access', enabled: true, lines_read: 10, lines_rejected: 0, lines_written: 10, bytes_behind: 0, last_error: null, last_error_at: null, updated_at: 1_000_000, ...over });
  it('flags failing, lagging, stale and disabled sources', () => {
    expect(sourceHealth(source({}), 1_000_000).level).toBe('ok');
    expect(sourceHealth(source({ last_error: 'EACCES', last_error_at: 1_000_000 }), 1_000_000)).toEqual({ level: 'bad', text: 'failing: EACCES' });
    expect(sourceHealth(source({ last_error: 'EACCES', last_error_at: 1_000_500 }), 1_001_000).level).toBe('bad');
    // Lines committed after the error (here 0.6 s after: the file came right after the source was added).
    expect(sourceHealth(source({ last_error: '/var/log/caddy/access.log does not exist (yet)', last_error_at: 999_400 }), 1_001_000)).toEqual({ level: 'ok', text: 'healthy' });
    expect(sourceHealth(source({ bytes_behind: 5 * 1_048_576 }), 1_000_000).text).toBe('behind by 5 MiB');
    expect(sourceHealth(source({}), 1_000_000 + 16 * 60_000)).toEqual({ level: 'warn', text: 'stale: no lines for 16 min' });
    expect(sourceHealth(source({ kind: 'file', bytes_behind: 0, live: { linesRead: 50, rejected: 2, bytesBehind: 3 * 1_048_576, lastError: null, lastErrorAt: null } }), 1_000_000).text).toBe('behind by 3 MiB');
    expect(sourceHealth(source({ enabled: 0 }), 1_000_000).text).toBe('disabled');
  });
  it('prefers a running tailer\'s counters when they are ahead of the stored row', () => {
    expect(sourceCounters(source({}))).toEqual({ linesRead: 10, rejected: 0, bytesBehind: 0 });
    expect(sourceCounters(source({ live: { linesRead: 40, rejected: 3, bytesBehind: 7, lastError: null, lastErrorAt: null } }))).toEqual({ linesRead: 40, rejected: 3, bytesBehind: 7 });
  });

  it('ages the newest backup and computes error rates', () => {
    expect(backupHealth(null, 0).text).toBe('n/a (admins only)');
    expect(backupHealth([], 0)).toEqual({ level: 'bad', text: 'no backup yet' });
    expect(backupHealth([0, 3 * 86_400_000], 3 * 86_400_000 + 5 * 3_600_000)).toEqual({ level: 'ok', text: '5 h old' });
    expect(backupHealth([0], 3 * 86_400_000)).toEqual({ level: 'warn', text: '3 days old' });
    expect(errorRates({ requests: [8, 2], s4xx: [2, 0], s5xx: [1, 1] })).toEqual({ total: 10, clientPct: 20, serverPct: 20 });
    expect(errorRates({ requests: [], s4xx: [], s5xx: [] }).serverPct).toBe(0);
  });

  it('reads the time series by column name, with a zero for every bucket without traffic', () => {
    const answer = { bucketSeconds: 60, columns: ['requests', 't', 's4xx', 'wafBlocks'], points: [[5, 60_000, 2, 1], [7, 180_000, 0, 0]] };
    const series = seriesColumns(answer, { from: 30_000, to: 270_000 });
    expect(series.t).toEqual([0, 60_000, 120_000, 180_000, 240_000]);
    expect(series.requests).toEqual([0, 5, 0, 7, 0]);
    expect(series.s4xx).toEqual([0, 2, 0, 0, 0]);
    expect(series.wafBlocks).toEqual([0, 1, 0, 0, 0]);
    expect(series.s5xx).toEqual([0, 0, 0, 0, 0]);
    expect(errorRates(series)).toEqual({ total: 12, clientPct: (2 / 12) * 100, serverPct: 0 });
    expect(seriesColumns({ bucketSeconds: 3600, columns: ['t'], points: [] }, { from: 0, to: 7_200_000 }).requests).toEqual([0, 0]);
  });
});

describe('dashboard view in the URL', () => {
  it('reads the range and refresh, dropping unknown values for the defaults', () => {
    expect(readView(new URLSearchParams('range=7d&refresh=60'))).toEqual({ range: { kind: 'preset', preset: '7d' }, refreshSeconds: 60 });
    expect(readView(new URLSearchParams('range=2y&refresh=1'))).toEqual({ range: { kind: 'preset', preset: '24h' }, refreshSeconds: 30 });
    expect(readView(new URLSearchParams('refresh=0')).refreshSeconds).toBe(0);
    expect(readView(new URLSearchParams('refresh=abc')).refreshSeconds).toBe(30);
  });

  it('round-trips through the URL and links a top value to the log browser in the same range', () => {
    const view = { range: { kind: 'custom', from: 1000, to: 9000 }, refreshSeconds: 300 } as const;
    const written = writeView(new URLSearchParams('range=1h&x=1'), view);
    expect(written.toString()).toBe('x=1&from=1000&to=9000&refresh=300');
    expect(readView(written)).toEqual(view);
    expect(logsLink('ip', '203.0.113.9', { kind: 'preset', preset: '6h' })).toBe('/logs?ip=203.0.113.9&range=6h');
    expect(readFilters(new URLSearchParams(logsLink('wafRule', 942100, view.range).split('?')[1]))).toEqual({ wafRule: '942100' });
  });
});

describe('the filter form', () => {
  afterEach(cleanup);
  it('shows the URL\'s filters, names a refused value next to its field and applies only valid ones', async () => {
    const onApply = vi.fn();
    render(<FilterForm filters={readFilters(new URLSearchParams('host=a.example&statusClass=5'))} onApply={onApply} />);
    expect(screen.getByLabelText('Host')).toHaveProperty('value', 'a.example');
    expect(screen.getByLabelText('Status class')).toHaveProperty('value', '5');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Client IP'), '10.0.0.0/12');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(onApply).not.toHaveBeenCalled();
    const ip = screen.getByLabelText('Client IP');
    expect(ip.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(ip.getAttribute('aria-describedby')!)?.textContent).toBe('an IP address or an IPv4 /8, /16, /24 or /32 prefix');
    await user.clear(ip);
    await user.type(ip, '10.0.0.0/8');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(onApply).toHaveBeenCalledOnce();
    const applied = onApply.mock.calls[0]![0] as Record<string, string>;
    expect(readFilters(writeFilters(new URLSearchParams(), applied))).toEqual({ host: 'a.example', statusClass: '5', ip: '10.0.0.0/8' });
    expect(ip.getAttribute('aria-invalid')).toBeNull();
  });
});
