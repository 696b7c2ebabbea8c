/** The panel's only way to the server: HTTP with the session cookie, the CSRF header and the selected project. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}

let csrf: string | null = null;
export function setCsrf(token: string | null): void {
  csrf = token;
}

const PROJECT_KEY = 'panoptes.project';
/** The project every request is made in (the api's default project when none is chosen). */
export function currentProject(): string | null {
  return localStorage.getItem(PROJECT_KEY);
}
export function setProject(uuid: string | null): void {
  if (uuid === null) localStorage.removeItem(PROJECT_KEY);
  else localStorage.setItem(PROJECT_KEY, uuid);
}

/** The headers every changing request carries: the CSRF token and the selected project. */
export function requestHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const project = currentProject();
  if (project !== null) headers['x-project'] = project;
  if (csrf !== null && method !== 'GET') headers['x-csrf-token'] = csrf;
  return headers;
}

type ErrorBody = { error?: { code: string; message: string; fields?: { field: string; message: string }[] } };

/** The ApiError for a refused request, from the api's error body (or the status alone). */
export function refusal(status: number, statusText: string, body: ErrorBody): ApiError {
  return new ApiError(status, body.error?.code ?? 'HTTP', body.error?.message || statusText || `HTTP ${status}`, body.error?.fields ?? []);
}

/** A request with the session, CSRF and project headers; a network failure or a refusal throws an ApiError. */
export async function apiResponse(method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { method, headers: { ...requestHeaders(method), ...init.headers }, credentials: 'same-origin', body: init.body });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached');
  }
  if (!response.ok) throw refusal(response.status, response.statusText, (await response.json().catch(() => ({}))) as ErrorBody);
  return response;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await apiResponse(method, path, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status === 204) return undefined as T;
  return (await response.json().catch(() => ({}))) as T;
}

/** The message to show for any failure (an ApiError's own message, or a generic one). */
export function errorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : error instanceof Error ? error.message : 'something went wrong';
}

export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
  readonly role: 'admin' | 'viewer';
  readonly totpEnabled: boolean;
}

export interface LogEntry {
  readonly id: number;
  readonly ts: number;
  readonly source: string;
  readonly level: string | null;
  readonly host_domain: string | null;
  readonly remote_ip: string | null;
  readonly method: string | null;
  readonly path: string | null;
  readonly status: number | null;
  readonly duration_ms: number | null;
  readonly size_bytes: number | null;
  readonly user_agent: string | null;
  readonly message: string | null;
  readonly waf_rule_id: number | null;
  readonly waf_rule_message: string | null;
  readonly waf_blocked: boolean | null;
  readonly raw?: string | null;
}
