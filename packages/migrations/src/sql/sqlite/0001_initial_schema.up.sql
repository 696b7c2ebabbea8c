-- Panoptes initial schema (SQLite). Times are INTEGER epoch milliseconds UTC; booleans are
-- INTEGER 0/1 with a CHECK; JSON is TEXT. Foreign keys follow the cascade matrix in
-- ../shared/reference/schema-argos.txt: configuration rows CASCADE, history rows SET NULL.

-- Tenancy
CREATE TABLE projects (
  uuid            TEXT PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  allowed_emails  TEXT NOT NULL DEFAULT '[]',
  allowed_domains TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

INSERT INTO projects (uuid, name, created_at, updated_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default',
        CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));

-- Identity
CREATE TABLE users (
  id                            INTEGER PRIMARY KEY,
  username                      TEXT NOT NULL UNIQUE,
  password_hash                 TEXT,
  email                         TEXT,
  display_name                  TEXT,
  role                          TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('admin', 'viewer')),
  disabled                      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  external_provider             TEXT,
  external_id                   TEXT,
  created_via                   TEXT NOT NULL DEFAULT 'local' CHECK (created_via IN ('local', 'oidc')),
  totp_secret_encrypted         TEXT,
  totp_enabled                  INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
  totp_enabled_at               INTEGER,
  totp_recovery_codes_encrypted TEXT,
  totp_last_step                INTEGER,
  created_at                    INTEGER NOT NULL,
  updated_at                    INTEGER NOT NULL,
  last_login_at                 INTEGER
) STRICT;
CREATE UNIQUE INDEX users_external_identity ON users (external_provider, external_id) WHERE external_provider IS NOT NULL;

CREATE TABLE sessions (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  remote_ip    TEXT,
  user_agent   TEXT,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
  id           INTEGER PRIMARY KEY,
  remote_ip    TEXT NOT NULL,
  username     TEXT NOT NULL,
  success      INTEGER NOT NULL CHECK (success IN (0, 1)),
  attempted_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_ip_time ON login_attempts (remote_ip, attempted_at);
CREATE INDEX login_attempts_user_time ON login_attempts (username, attempted_at);

CREATE TABLE totp_attempts (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  remote_ip    TEXT NOT NULL,
  success      INTEGER NOT NULL CHECK (success IN (0, 1)),
  attempted_at INTEGER NOT NULL
) STRICT;
CREATE INDEX totp_attempts_user_ip_time ON totp_attempts (user_id, remote_ip, attempted_at);

CREATE TABLE api_tokens (
  id                 INTEGER PRIMARY KEY,
  project_uuid       TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  name               TEXT NOT NULL,
  token_hash         TEXT NOT NULL UNIQUE,
  created_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at         INTEGER NOT NULL,
  last_used_at       INTEGER,
  expires_at         INTEGER,
  revoked_at         INTEGER
) STRICT;
CREATE INDEX api_tokens_project ON api_tokens (project_uuid);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by_user_id);

-- Proxy configuration
CREATE TABLE target_groups (
  id                              INTEGER PRIMARY KEY,
  project_uuid                    TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  name                            TEXT NOT NULL,
  protocol                        TEXT NOT NULL DEFAULT 'http' CHECK (protocol IN ('http', 'https')),
  verify_tls                      INTEGER NOT NULL DEFAULT 1 CHECK (verify_tls IN (0, 1)),
  algorithm                       TEXT NOT NULL DEFAULT 'round_robin' CHECK (algorithm IN ('round_robin', 'least_conn', 'ip_hash', 'random')),
  health_check_enabled            INTEGER NOT NULL DEFAULT 0 CHECK (health_check_enabled IN (0, 1)),
  health_check_path               TEXT NOT NULL DEFAULT '/',
  health_check_method             TEXT NOT NULL DEFAULT 'GET',
  health_check_expect_status      INTEGER NOT NULL DEFAULT 200,
  health_check_interval_seconds   INTEGER NOT NULL DEFAULT 30 CHECK (health_check_interval_seconds > 0),
  health_check_timeout_seconds    INTEGER NOT NULL DEFAULT 5 CHECK (health_check_timeout_seconds > 0),
  health_check_fails_to_unhealthy INTEGER NOT NULL DEFAULT 3 CHECK (health_check_fails_to_unhealthy > 0),
  health_check_passes_to_healthy  INTEGER NOT NULL DEFAULT 2 CHECK (health_check_passes_to_healthy > 0),
  preserve_host                   INTEGER NOT NULL DEFAULT 1 CHECK (preserve_host IN (0, 1)),
  created_at                      INTEGER NOT NULL,
  updated_at                      INTEGER NOT NULL,
  UNIQUE (project_uuid, name)
) STRICT;

CREATE TABLE targets (
  id              INTEGER PRIMARY KEY,
  target_group_id INTEGER NOT NULL REFERENCES target_groups (id) ON DELETE CASCADE,
  host            TEXT NOT NULL,
  port            INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  weight          INTEGER NOT NULL DEFAULT 1 CHECK (weight >= 0),
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  UNIQUE (target_group_id, host, port)
) STRICT;

CREATE TABLE hosts (
  id              INTEGER PRIMARY KEY,
  project_uuid    TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  domain          TEXT NOT NULL,
  target_group_id INTEGER NOT NULL REFERENCES target_groups (id) ON DELETE RESTRICT,
  tls_mode        TEXT NOT NULL DEFAULT 'auto' CHECK (tls_mode IN ('auto', 'none')),
  tls_email       TEXT,
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  auth_required   INTEGER NOT NULL DEFAULT 0 CHECK (auth_required IN (0, 1)),
  lan_only        INTEGER NOT NULL DEFAULT 0 CHECK (lan_only IN (0, 1)),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (project_uuid, domain)
) STRICT;
CREATE INDEX hosts_target_group ON hosts (target_group_id);

CREATE TABLE rules (
  id              INTEGER PRIMARY KEY,
  host_id         INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  priority        INTEGER NOT NULL,
  name            TEXT NOT NULL,
  enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  action_type     TEXT NOT NULL CHECK (action_type IN ('forward', 'redirect', 'fixed_response', 'block', 'rewrite')),
  action_config   TEXT NOT NULL DEFAULT '{}',
  matchers_config TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (host_id, priority)
) STRICT;

CREATE TABLE host_security (
  host_id                   INTEGER PRIMARY KEY REFERENCES hosts (id) ON DELETE CASCADE,
  waf_enabled               INTEGER NOT NULL DEFAULT 0 CHECK (waf_enabled IN (0, 1)),
  waf_mode                  TEXT NOT NULL DEFAULT 'detect' CHECK (waf_mode IN ('detect', 'block')),
  waf_paranoia              INTEGER NOT NULL DEFAULT 1 CHECK (waf_paranoia BETWEEN 1 AND 4),
  waf_block_status          INTEGER NOT NULL DEFAULT 403 CHECK (waf_block_status BETWEEN 100 AND 599),
  waf_block_body            TEXT NOT NULL DEFAULT '',
  rate_limit_enabled        INTEGER NOT NULL DEFAULT 0 CHECK (rate_limit_enabled IN (0, 1)),
  rate_limit_requests       INTEGER NOT NULL DEFAULT 100 CHECK (rate_limit_requests > 0),
  rate_limit_window_seconds INTEGER NOT NULL DEFAULT 60 CHECK (rate_limit_window_seconds > 0),
  rate_limit_key            TEXT NOT NULL DEFAULT 'ip' CHECK (rate_limit_key IN ('ip', 'header', 'global')),
  rate_limit_header_name    TEXT,
  rate_limit_status         INTEGER NOT NULL DEFAULT 429 CHECK (rate_limit_status BETWEEN 100 AND 599),
  updated_at                INTEGER NOT NULL
) STRICT;

CREATE TABLE waf_exclusions (
  id           INTEGER PRIMARY KEY,
  host_id      INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  crs_rule_id  INTEGER NOT NULL CHECK (crs_rule_id > 0),
  path_pattern TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL DEFAULT '',
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at   INTEGER NOT NULL,
  UNIQUE (host_id, crs_rule_id, path_pattern)
) STRICT;

CREATE TABLE waf_custom_rules (
  id         INTEGER PRIMARY KEY,
  host_id    INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  secrule    TEXT NOT NULL,
  enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX waf_custom_rules_host ON waf_custom_rules (host_id);

CREATE TABLE cert_status (
  domain          TEXT PRIMARY KEY,
  issuer          TEXT,
  not_after       INTEGER,
  last_checked_at INTEGER NOT NULL
) STRICT;

-- Security
CREATE TABLE allowlists (
  id           INTEGER PRIMARY KEY,
  project_uuid TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  scope        TEXT NOT NULL CHECK (scope IN ('global', 'host')),
  host_id      INTEGER REFERENCES hosts (id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('cidr', 'path', 'host')),
  value        TEXT NOT NULL CHECK (value <> ''),
  note         TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  CHECK ((scope = 'global' AND host_id IS NULL) OR (scope = 'host' AND host_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX allowlists_entry ON allowlists (project_uuid, COALESCE(host_id, 0), kind, value);
CREATE INDEX allowlists_host ON allowlists (host_id);

CREATE TABLE baseline_fingerprints (
  project_uuid     TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  host_domain      TEXT NOT NULL,
  category         TEXT NOT NULL CHECK (category IN ('client_network', 'user_agent_family', 'path_prefix')),
  value            TEXT NOT NULL,
  first_seen_at    INTEGER NOT NULL,
  last_seen_at     INTEGER NOT NULL,
  occurrence_count INTEGER NOT NULL DEFAULT 1 CHECK (occurrence_count > 0),
  PRIMARY KEY (project_uuid, host_domain, category, value)
) STRICT;

CREATE TABLE findings (
  id               INTEGER PRIMARY KEY,
  project_uuid     TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  finding_hash     TEXT NOT NULL,
  detector         TEXT NOT NULL,
  severity         TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title            TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  host_id          INTEGER REFERENCES hosts (id) ON DELETE SET NULL,
  host_domain      TEXT,
  remote_ip        TEXT,
  details          TEXT NOT NULL DEFAULT '{}',
  extra_evidence   TEXT NOT NULL DEFAULT '[]',
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  occurrence_count INTEGER NOT NULL DEFAULT 1 CHECK (occurrence_count > 0),
  first_seen_at    INTEGER NOT NULL,
  last_seen_at     INTEGER NOT NULL,
  notified_at      INTEGER,
  UNIQUE (project_uuid, finding_hash)
) STRICT;
CREATE INDEX findings_project_last_seen ON findings (project_uuid, last_seen_at);
CREATE INDEX findings_host ON findings (host_id);

-- Observability
CREATE TABLE log_entries (
  id                 INTEGER PRIMARY KEY,
  project_uuid       TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  ts                 INTEGER NOT NULL,
  source             TEXT NOT NULL CHECK (source IN ('caddy_access', 'caddy_error', 'waf_audit', 'audit')),
  level              TEXT,
  host_id            INTEGER REFERENCES hosts (id) ON DELETE SET NULL,
  host_domain        TEXT,
  rule_id            INTEGER REFERENCES rules (id) ON DELETE SET NULL,
  remote_ip          TEXT,
  client_ip          TEXT,
  method             TEXT,
  path               TEXT,
  status             INTEGER,
  duration_ms        REAL,
  size_bytes         INTEGER,
  bytes_read         INTEGER,
  user_agent         TEXT,
  upstream           TEXT,
  user_id            TEXT,
  message            TEXT,
  raw                TEXT,
  waf_rule_id        INTEGER,
  waf_rule_message   TEXT,
  waf_severity       TEXT,
  waf_anomaly_score  INTEGER,
  waf_transaction_id TEXT,
  waf_blocked        INTEGER CHECK (waf_blocked IN (0, 1)),
  content_hash       BLOB
) STRICT;
CREATE INDEX log_entries_ts ON log_entries (ts);
CREATE INDEX log_entries_source_ts ON log_entries (source, ts);
CREATE INDEX log_entries_host_ts ON log_entries (host_id, ts) WHERE host_id IS NOT NULL;
CREATE INDEX log_entries_rule_ts ON log_entries (rule_id, ts) WHERE rule_id IS NOT NULL;
CREATE INDEX log_entries_status_ts ON log_entries (status, ts) WHERE status IS NOT NULL;
CREATE INDEX log_entries_waf_rule_ts ON log_entries (waf_rule_id, ts) WHERE waf_rule_id IS NOT NULL;
CREATE UNIQUE INDEX log_entries_content_hash ON log_entries (content_hash);

CREATE TABLE finding_evidence (
  finding_id   INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  log_entry_id INTEGER NOT NULL REFERENCES log_entries (id) ON DELETE NO ACTION,
  PRIMARY KEY (finding_id, log_entry_id)
) STRICT;
CREATE INDEX finding_evidence_log_entry ON finding_evidence (log_entry_id);

CREATE TABLE log_rollups_minute (
  project_uuid    TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  bucket_start    INTEGER NOT NULL,
  host_domain     TEXT NOT NULL DEFAULT '',
  requests        INTEGER NOT NULL DEFAULT 0,
  status_1xx      INTEGER NOT NULL DEFAULT 0,
  status_2xx      INTEGER NOT NULL DEFAULT 0,
  status_3xx      INTEGER NOT NULL DEFAULT 0,
  status_4xx      INTEGER NOT NULL DEFAULT 0,
  status_5xx      INTEGER NOT NULL DEFAULT 0,
  bytes_sent      INTEGER NOT NULL DEFAULT 0,
  duration_ms_sum REAL NOT NULL DEFAULT 0,
  waf_blocks      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project_uuid, bucket_start, host_domain)
) STRICT;
CREATE INDEX log_rollups_minute_bucket ON log_rollups_minute (bucket_start);

CREATE TABLE ingest_sources (
  id             INTEGER PRIMARY KEY,
  project_uuid   TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('file', 'http')),
  parser         TEXT NOT NULL CHECK (parser IN ('caddy_access', 'caddy_error', 'modsec_audit', 'coraza_audit', 'audit')),
  path           TEXT,
  device         TEXT,
  inode          TEXT,
  byte_offset    INTEGER NOT NULL DEFAULT 0 CHECK (byte_offset >= 0),
  start_at       TEXT NOT NULL DEFAULT 'beginning' CHECK (start_at IN ('beginning', 'end')),
  enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  lines_read     INTEGER NOT NULL DEFAULT 0,
  lines_parsed   INTEGER NOT NULL DEFAULT 0,
  lines_rejected INTEGER NOT NULL DEFAULT 0,
  lines_written  INTEGER NOT NULL DEFAULT 0,
  bytes_behind   INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT,
  last_error_at  INTEGER,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (project_uuid, name),
  CHECK (kind = 'http' OR path IS NOT NULL)
) STRICT;

CREATE TABLE ingest_rejects (
  id               INTEGER PRIMARY KEY,
  project_uuid     TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  ingest_source_id INTEGER REFERENCES ingest_sources (id) ON DELETE SET NULL,
  source_name      TEXT NOT NULL,
  reason           TEXT NOT NULL,
  line_number      INTEGER,
  byte_offset      INTEGER,
  excerpt          TEXT NOT NULL,
  created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX ingest_rejects_created ON ingest_rejects (created_at);
CREATE INDEX ingest_rejects_source ON ingest_rejects (ingest_source_id);

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Notifications
CREATE TABLE notification_channels (
  id                    INTEGER PRIMARY KEY,
  project_uuid          TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  name                  TEXT NOT NULL,
  type                  TEXT NOT NULL CHECK (type IN ('webhook', 'email', 'telegram', 'browser_push')),
  enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  config                TEXT NOT NULL,
  template              TEXT,
  rate_limit_per_minute INTEGER CHECK (rate_limit_per_minute > 0),
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (project_uuid, name)
) STRICT;

CREATE TABLE notification_rules (
  id                      INTEGER PRIMARY KEY,
  project_uuid            TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  name                    TEXT NOT NULL,
  channel_id              INTEGER NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  event_type              TEXT NOT NULL,
  filter_host_ids         TEXT NOT NULL DEFAULT '[]',
  filter_severities       TEXT NOT NULL DEFAULT '[]',
  throttle_window_seconds INTEGER NOT NULL DEFAULT 0 CHECK (throttle_window_seconds >= 0),
  enabled                 INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL
) STRICT;
CREATE INDEX notification_rules_channel ON notification_rules (channel_id);

CREATE TABLE notification_deliveries (
  id               INTEGER PRIMARY KEY,
  project_uuid     TEXT NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001' REFERENCES projects (uuid) ON DELETE CASCADE,
  rule_id          INTEGER REFERENCES notification_rules (id) ON DELETE SET NULL,
  channel_id       INTEGER REFERENCES notification_channels (id) ON DELETE SET NULL,
  event_type       TEXT NOT NULL,
  severity         TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  host_domain      TEXT,
  event_payload    TEXT NOT NULL,
  rendered_payload TEXT,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'throttled', 'rate_limited')),
  error_message    TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  INTEGER,
  suppressed_count INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  sent_at          INTEGER
) STRICT;
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
CREATE INDEX notification_deliveries_project_created ON notification_deliveries (project_uuid, created_at);
CREATE INDEX notification_deliveries_rule ON notification_deliveries (rule_id);
CREATE INDEX notification_deliveries_channel ON notification_deliveries (channel_id, created_at);

CREATE TABLE push_subscriptions (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint   TEXT NOT NULL,
  p256dh_key TEXT NOT NULL,
  auth_key   TEXT NOT NULL,
  user_agent TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, endpoint)
) STRICT;

-- Backups
CREATE TABLE backups (
  id              INTEGER PRIMARY KEY,
  filename        TEXT NOT NULL UNIQUE,
  size_bytes      INTEGER NOT NULL CHECK (size_bytes >= 0),
  sha256          TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('manual', 'scheduled', 'orphan')),
  trigger_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  note            TEXT,
  created_at      INTEGER NOT NULL,
  verified_at     INTEGER
) STRICT;
CREATE INDEX backups_created ON backups (created_at);
CREATE INDEX backups_trigger_user ON backups (trigger_user_id);
