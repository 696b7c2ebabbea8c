import { emptyEntry, type LineParser } from '../entry.js';
import { FieldError, header, hostWithoutPort, integer, nonEmpty, number, object, jsonLineParser, secondsToMs, text, type Json } from './fields.js';

/** Request fields shared by Caddy's access and error logs. */
function requestFields(entry: ReturnType<typeof emptyEntry>, request: Json | null): void {
  if (request === null) return;
  entry.remote_ip = text(request.remote_ip, 'request.remote_ip');
  entry.client_ip = text(request.client_ip, 'request.client_ip');
  entry.method = text(request.method, 'request.method');
  entry.host_domain = hostWithoutPort(text(request.host, 'request.host'));
  entry.path = text(request.uri, 'request.uri');
  entry.user_agent = header(object(request.headers, 'request.headers'), 'User-Agent');
}

function timestamp(record: Json): number {
  const ts = number(record.ts, 'ts');
  if (ts === null) throw new FieldError('ts is missing');
  return secondsToMs(ts);
}

/**
 * Caddy v2 JSON access log: `ts` and `duration` in float seconds, `request.{remote_ip, client_ip,
 * proto, method, host, uri, headers}`, `status`, `size`, `bytes_read`, `user_id`, and an upstream
 * only where the operator added one (`upstream`, `upstream_addr` or `upstream_host`).
 */
export const parseCaddyAccess: LineParser = jsonLineParser((record, line) => {
  const request = object(record.request, 'request');
  if (request === null) return { ok: false, reason: 'not a Caddy access entry: request is missing' };
  const entry = emptyEntry('caddy_access', timestamp(record), line);
  entry.level = text(record.level, 'level');
  requestFields(entry, request);
  entry.status = integer(record.status, 'status');
  const duration = number(record.duration, 'duration');
  entry.duration_ms = duration === null ? null : Math.round(duration * 1e6) / 1e3;
  entry.size_bytes = integer(record.size, 'size');
  entry.bytes_read = integer(record.bytes_read, 'bytes_read');
  entry.user_id = nonEmpty(record.user_id, 'user_id');
  entry.upstream = text(record.upstream ?? record.upstream_addr ?? record.upstream_host, 'upstream');
  return { ok: true, entry };
});

/** Caddy's default (error and runtime) log: `level`, `ts`, `logger`, `msg`, and the request when there is one. */
export const parseCaddyError: LineParser = jsonLineParser((record, line) => {
  const message = text(record.msg, 'msg');
  if (message === null) return { ok: false, reason: 'not a Caddy log entry: msg is missing' };
  const entry = emptyEntry('caddy_error', timestamp(record), line);
  entry.level = text(record.level, 'level');
  entry.message = message;
  requestFields(entry, object(record.request, 'request'));
  entry.status = integer(record.status, 'status');
  const duration = number(record.duration, 'duration');
  entry.duration_ms = duration === null ? null : Math.round(duration * 1e6) / 1e3;
  return { ok: true, entry };
});
