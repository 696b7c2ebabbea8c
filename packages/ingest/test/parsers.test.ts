import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { INGEST_PARSERS } from '@panoptes/db-core';
import { describe, expect, it } from 'vitest';
import { formatAuditEvent, parseLineBytes, PARSERS, parseModSecurityAudit } from '../src/index.js';

const lines = (file: string) => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
const ok = (outcome: ReturnType<(typeof PARSERS)['caddy_access']>) => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.entry;
};

describe('Caddy access log', () => {
  it('parses every real line of the sample run and keeps the raw line', () => {
    const all = lines('caddy-access-903.jsonl');
    const entries = all.map((l) => ok(PARSERS.caddy_access(l)));
    expect(entries).toHaveLength(903);
    entries.forEach((e, i) => expect(e.raw).toBe(all[i]));
    const statuses = new Set(entries.map((e) => e.status));
    for (const s of [200, 401, 403, 404, 500, 502]) expect(statuses).toContain(s);
    expect(entries.filter((e) => e.user_id === 'alice').length).toBeGreaterThan(0);
    expect(entries.every((e) => e.source === 'caddy_access' && Number.isInteger(e.ts))).toBe(true);
  });

  it('maps the fields of a line', () => {
    const entry = ok(PARSERS.caddy_access(lines('caddy-access.jsonl')[2]!));
    expect(entry).toMatchObject({
      ts: 1795337348599,
      level: 'error',
      host_domain: '127.0.0.1',
      remote_ip: '127.0.0.1',
      method: 'GET',
      path: '/err500',
      status: 500,
      size_bytes: 0,
      user_agent: 'sqlmap/1.7.2#stable (https://sqlmap.org)',
      user_id: null,
      duration_ms: 0.058,
    });
  });

  it('reads Caddy 2.7+ fields and hosts with ports, IPv6 included', () => {
    const line = JSON.stringify({
      level: 'info', ts: 1.7e9, msg: 'handled request', bytes_read: 12, upstream: '10.0.0.5:8080', status: 201, size: 3, duration: 0.5,
      request: { remote_ip: '::1', client_ip: '198.51.100.7', proto: 'HTTP/2.0', method: 'POST', host: '[::1]:8443', uri: '/a?b=c', headers: { 'user-agent': ['x'] } },
    });
    expect(ok(PARSERS.caddy_access(line))).toMatchObject({ client_ip: '198.51.100.7', bytes_read: 12, upstream: '10.0.0.5:8080', host_domain: '::1', user_agent: 'x', duration_ms: 500 });
    expect(ok(PARSERS.caddy_access(line.replace('[::1]:8443', 'Example.COM:443'))).host_domain).toBe('example.com');
  });
});

describe('Caddy error log', () => {
  it('parses every real line, a dead upstream included', () => {
    const entries = lines('caddy-error.jsonl').map((l) => ok(PARSERS.caddy_error(l)));
    expect(entries).toHaveLength(18);
    const dead = entries.find((e) => e.status === 502)!;
    expect(dead).toMatchObject({ source: 'caddy_error', level: 'error', path: '/dead/x', message: 'dial tcp 127.0.0.1:9999: connect: connection refused' });
  });
});

describe('ModSecurity v3 audit log', () => {
  it('parses every real transaction into one entry with its primary rule, score and verdict', () => {
    const entries = lines('modsec-audit.jsonl').map((l) => ok(parseModSecurityAudit(l)));
    expect(entries).toHaveLength(12);
    expect(entries[0]).toMatchObject({
      source: 'waf_audit',
      ts: Date.UTC(2026, 10, 22, 8, 50, 24),
      host_domain: 'app.example.test',
      path: "/search?id=1%27%20OR%20%271%27%3D%271",
      status: 403,
      waf_rule_id: 942100,
      waf_rule_message: 'SQL Injection Attack Detected via libinjection',
      waf_severity: 'critical',
      waf_anomaly_score: 5,
      waf_transaction_id: '179533742475.728785',
      waf_blocked: true,
    });
    expect(entries[0]!.message).toContain('949110: Inbound Anomaly Score Exceeded');
    // Detection without blocking: a warning on a request that was served.
    expect(entries.filter((e) => e.waf_blocked === false).map((e) => e.status)).toEqual([200]);
  });
});

describe('Coraza audit log', () => {
  // Built from Coraza's audit log JSON format (no sample run here): messages top level, integer ids.
  const line = JSON.stringify({
    transaction: {
      timestamp: '2026/11/22 08:50:24', unix_timestamp: 1795337424123456e3, id: 'tx-1', client_ip: '203.0.113.9', client_port: 5555, host_ip: '127.0.0.1', host_port: 80,
      request: { method: 'GET', protocol: 'HTTP/1.1', uri: '/?q=<script>', http_version: '1.1', headers: { host: ['shop.example:80'], 'user-agent': ['curl/8'] } },
      response: { status: 403, headers: {} }, is_interrupted: true,
    },
    messages: [
      { actionset: '', message: 'XSS Attack Detected via libinjection', data: { id: 941100, msg: 'XSS Attack Detected via libinjection', severity: 2 } },
      { actionset: '', message: 'Inbound Anomaly Score Exceeded (Total Score: 5)', data: { id: 949110, msg: 'Inbound Anomaly Score Exceeded (Total Score: 5)', severity: 2 } },
    ],
  });

  it('maps a transaction onto one entry', () => {
    expect(ok(PARSERS.coraza_audit(line))).toMatchObject({
      ts: 1795337424123, host_domain: 'shop.example', remote_ip: '203.0.113.9', status: 403, user_agent: 'curl/8',
      waf_rule_id: 941100, waf_severity: 'critical', waf_anomaly_score: 5, waf_transaction_id: 'tx-1', waf_blocked: true,
    });
  });

  it('refuses mistyped fields', () => {
    expect(PARSERS.coraza_audit(line.replace('"id":941100', '"id":"941100"'))).toEqual({ ok: false, reason: 'messages[0].data.id is not a number' });
  });
});

describe('audit entries', () => {
  it('round-trip through their JSON line', () => {
    const line = formatAuditEvent({ ts: 1_800_000_000_000, actor: 'ada', action: 'host.update', target: 'hosts/3', ip: '192.0.2.1', before: { tls: 'none' }, after: { tls: 'auto' } });
    expect(ok(PARSERS.audit(line))).toMatchObject({ source: 'audit', ts: 1_800_000_000_000, user_id: 'ada', remote_ip: '192.0.2.1', message: 'ada host.update hosts/3', raw: line });
  });
});

describe('bad input', () => {
  const good = lines('caddy-access.jsonl')[0]!;
  const reason = (bytes: Buffer | string) => {
    const outcome = parseLineBytes('caddy_access', Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
    return outcome.ok ? 'ok' : outcome.reason;
  };

  it('says why a line was refused, for every class of bad input', () => {
    expect(reason(good)).toBe('ok');
    expect(reason('{"ts": ')).toMatch(/^malformed JSON/);
    expect(reason(good.slice(0, good.length - 20))).toMatch(/^malformed JSON/);
    expect(reason('[1,2]')).toBe('not a JSON object');
    expect(reason(Buffer.concat([Buffer.from(good.slice(0, 40)), Buffer.from([0xc3, 0x28]), Buffer.from(good.slice(40))]))).toBe('invalid UTF-8');
    expect(reason(`{"x":"${'a'.repeat(70_000)}"}`)).toMatch(/^line exceeds 64 KiB/);
    expect(reason(good.replace('"status":200', '"status":"200"'))).toBe('status is not a number');
    expect(reason(good.replace(/"ts":[0-9.]+,/, ''))).toBe('ts is missing');
    expect(reason(good.replace('"request":{', '"request":7,"x":{'))).toBe('request is not an object');
    expect(reason('{"level":"info","ts":1}')).toBe('not a Caddy access entry: request is missing');
  });

  it('never throws on arbitrary bytes or arbitrary JSON, whatever the parser (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INGEST_PARSERS), fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json().map((j) => Buffer.from(j))), (parser, bytes) => {
        const outcome = parseLineBytes(parser, Buffer.from(bytes));
        expect(typeof outcome.ok).toBe('boolean');
      }),
    );
  });

  it('never throws on real lines with one field replaced by any JSON value (property)', () => {
    const samples = [...lines('caddy-access.jsonl').slice(0, 5), ...lines('modsec-audit.jsonl').slice(0, 2)];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.jsonValue(), fc.nat(), (sample, value, pick) => {
        const record = JSON.parse(sample) as Record<string, unknown>;
        const keys = Object.keys(record);
        record[keys[pick % keys.length]!] = value;
        for (const parser of INGEST_PARSERS) expect(typeof PARSERS[parser](JSON.stringify(record)).ok).toBe('boolean');
      }),
    );
  });

  it('reads generated Caddy access lines back field for field (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          ts: fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
          status: fc.integer({ min: 0, max: 599 }),
          size: fc.nat(),
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          uri: fc.string(),
          ua: fc.string(),
          host: fc.domain(),
        }),
        (r) => {
          const line = JSON.stringify({ level: 'info', ts: r.ts + 0.25, request: { remote_ip: '192.0.2.1', method: r.method, host: `${r.host}:443`, uri: r.uri, headers: { 'User-Agent': [r.ua] } }, status: r.status, size: r.size, duration: 0.001 });
          const entry = ok(PARSERS.caddy_access(line));
          expect(entry).toMatchObject({ ts: r.ts * 1000 + 250, status: r.status, size_bytes: r.size, method: r.method, path: r.uri, user_agent: r.ua, host_domain: r.host.toLowerCase(), raw: line });
        },
      ),
    );
  });
});

describe('every parser', () => {
  // A raw-line block copies the bytes a line was read as (WriteItem.rawBytes): that is only the
  // stored raw line if each parser keeps the very line it was given.
  it('keeps the line it was given, byte for byte, as raw', () => {
    const coraza = JSON.stringify({
      transaction: { unix_timestamp: 1795337424123456e3, id: 'tx-é', client_ip: '203.0.113.9', request: { method: 'GET', uri: '/ü', headers: { host: ['a.example'] } }, response: { status: 403 } },
      messages: [],
    });
    const samples: [keyof typeof PARSERS, string[]][] = [
      ['caddy_access', lines('caddy-access.jsonl')],
      ['caddy_error', lines('caddy-error.jsonl')],
      ['modsec_audit', lines('modsec-audit.jsonl')],
      ['coraza_audit', [coraza]],
      ['audit', [formatAuditEvent({ ts: 1_800_000_000_000, actor: 'zoë', action: 'host.update', target: 'hosts/3', ip: null, before: null, after: { name: '日本' } })]],
    ];
    for (const [parser, all] of samples) {
      for (const line of all) {
        const outcome = parseLineBytes(parser, Buffer.from(line, 'utf8'));
        expect(outcome.ok ? Buffer.from(outcome.entry.raw, 'utf8').equals(Buffer.from(line, 'utf8')) : outcome.reason).toBe(true);
      }
    }
  });
});
