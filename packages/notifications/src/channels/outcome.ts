/** What one attempt at a delivery came to. */
export type AttemptOutcome =
  | { readonly kind: 'sent'; readonly detail?: string }
  | { readonly kind: 'retry'; readonly error: string; /** Seconds the peer asked us to wait (Retry-After). */ readonly retryAfterSeconds?: number }
  | { readonly kind: 'failed'; readonly error: string };

/** Classifies an HTTP answer: 2xx sent; 429 and 5xx retried (honouring Retry-After); other 4xx permanent. */
export function classifyHttp(status: number, retryAfter: string | null, body: string): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent', detail: `HTTP ${status}` };
  const error = `HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (status === 429 || status >= 500) {
    const seconds = parseRetryAfter(retryAfter);
    return seconds === undefined ? { kind: 'retry', error } : { kind: 'retry', error, retryAfterSeconds: seconds };
  }
  return { kind: 'failed', error };
}

/** Retry-After as seconds (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A network-level failure (refused, reset, timeout): always worth a retry. */
export function networkFailure(error: unknown): AttemptOutcome {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : (e.cause?.code ?? e.cause?.message ?? e.message ?? String(error));
  return { kind: 'retry', error: `network: ${reason}` };
}
