import type { IngestParser } from '@panoptes/db-core';
import type { LineParser } from '../entry.js';
import { parseAudit } from './audit.js';
import { parseCaddyAccess, parseCaddyError } from './caddy.js';
import { parseCorazaAudit } from './coraza.js';
import { parseModSecurityAudit } from './modsecurity.js';

/** The parser of each source format (`ingest_sources.parser`). */
export const PARSERS: Readonly<Record<IngestParser, LineParser>> = {
  caddy_access: parseCaddyAccess,
  caddy_error: parseCaddyError,
  modsec_audit: parseModSecurityAudit,
  coraza_audit: parseCorazaAudit,
  audit: parseAudit,
};

export { parseAudit, formatAuditEvent, auditEntry, type AuditEvent } from './audit.js';
export { parseCaddyAccess, parseCaddyError } from './caddy.js';
export { parseCorazaAudit } from './coraza.js';
export { parseModSecurityAudit, parseModSecurityTime } from './modsecurity.js';
