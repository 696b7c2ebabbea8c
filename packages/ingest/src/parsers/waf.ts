/** What the WAF parsers share: choosing the rule that names an entry and reading CRS's score. */
import type { emptyEntry } from '../entry.js';

/** Syslog severities, as ModSecurity and Coraza number them. */
const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;

export function severityName(value: number | null): string | null {
  return value === null ? null : (SEVERITIES[value] ?? String(value));
}

/** CRS rules that evaluate or report the anomaly score rather than detect an attack. */
const SCORING_RULES = new Set([949110, 949111, 959100, 959101, 980130, 980140, 980145, 980170]);
/** The rules whose match means the request was denied by score. */
const BLOCKING_RULES = new Set([949110, 949111, 959100, 959101]);

export interface RuleMatch {
  readonly id: number | null;
  readonly message: string;
  readonly severity: number | null;
}

export interface WafSummary {
  readonly primary: RuleMatch | null;
  readonly anomalyScore: number | null;
  readonly matchedBlockingRule: boolean;
  readonly message: string | null;
}

const MAX_MESSAGE = 2000;

/**
 * One entry per transaction: the primary rule is the most severe matched rule that detects
 * something (not a CRS scoring rule), the first of equals; every matched rule is listed in the
 * message; the anomaly score comes from CRS's "Total Score: N".
 */
export function summariseMatches(matches: readonly RuleMatch[]): WafSummary {
  const detections = matches.filter((m) => m.id === null || !SCORING_RULES.has(m.id));
  const rank = (m: RuleMatch): number => m.severity ?? Number.MAX_SAFE_INTEGER;
  const primary = detections.reduce<RuleMatch | null>((best, m) => (best === null || rank(m) < rank(best) ? m : best), null) ?? matches[0] ?? null;
  let anomalyScore: number | null = null;
  for (const m of matches) {
    const score = /Total Score: (\d+)/.exec(m.message);
    if (score !== null) anomalyScore = Math.max(anomalyScore ?? 0, Number(score[1]));
  }
  const listed = matches.map((m) => `${m.id ?? '?'}: ${m.message}`).join('; ');
  return {
    primary,
    anomalyScore,
    matchedBlockingRule: matches.some((m) => m.id !== null && BLOCKING_RULES.has(m.id)),
    message: listed === '' ? null : listed.length > MAX_MESSAGE ? `${listed.slice(0, MAX_MESSAGE)}...` : listed,
  };
}

/** Fills an entry's WAF fields from the matched rules; returns the summary for the verdict. */
export function applyMatches(entry: ReturnType<typeof emptyEntry>, matches: readonly RuleMatch[]): WafSummary {
  const summary = summariseMatches(matches);
  entry.waf_rule_id = summary.primary?.id ?? null;
  entry.waf_rule_message = summary.primary?.message ?? null;
  entry.waf_severity = severityName(summary.primary?.severity ?? null);
  entry.level = entry.waf_severity;
  entry.waf_anomaly_score = summary.anomalyScore;
  entry.message = summary.message;
  return summary;
}
