import type { Row, SectionSpec } from '../../components/ResourceSection.js';

const yes = (v: unknown) => (v === true || v === 1 ? 'yes' : 'no');

/** Allowlist entries of one host, or the project-wide ones (`host` null). */
export function allowlistSpec(host: Row | null): SectionSpec {
  return {
    title: host ? 'Allowlist of this host' : 'Global allowlist',
    noun: 'allowlist entry',
    path: '/api/proxy/allowlists',
    key: 'allowlists',
    fixed: host ? { scope: 'host', hostId: host.id } : { scope: 'global', hostId: null },
    filter: (r) => (host ? r.host_id === host.id : r.host_id === null),
    fields: [
      { name: 'kind', label: 'Kind', kind: 'select', required: true, options: ['cidr', 'path', 'host'] },
      { name: 'value', label: 'Value', kind: 'text', required: true, placeholder: '192.168.0.0/16' },
      { name: 'note', label: 'Note', kind: 'text' },
    ],
    columns: [
      { label: 'Kind', value: (r) => String(r.kind) },
      { label: 'Value', value: (r) => String(r.value) },
      { label: 'Note', value: (r) => String(r.note ?? '') },
    ],
    empty: 'No entries: nothing bypasses the WAF and rate limits.',
  };
}

export function wafExclusionSpec(host: Row): SectionSpec {
  return {
    title: 'WAF exclusions',
    noun: 'WAF exclusion',
    path: '/api/proxy/waf-exclusions',
    key: 'waf_exclusions',
    fixed: { hostId: host.id },
    fields: [
      { name: 'crsRuleId', label: 'CRS rule id', kind: 'number', required: true, placeholder: '942100' },
      { name: 'pathPattern', label: 'Path pattern', kind: 'text', hint: 'Only requests under this path; empty: every path.' },
      { name: 'reason', label: 'Reason', kind: 'text' },
      { name: 'enabled', label: 'Enabled', kind: 'checkbox', initial: true },
    ],
    columns: [
      { label: 'Rule', value: (r) => String(r.crs_rule_id) },
      { label: 'Path', value: (r) => String(r.path_pattern ?? 'every path') },
      { label: 'Reason', value: (r) => String(r.reason ?? '') },
      { label: 'Enabled', value: (r) => yes(r.enabled) },
    ],
  };
}

export function wafCustomRuleSpec(host: Row): SectionSpec {
  return {
    title: 'WAF custom rules',
    noun: 'custom rule',
    path: '/api/proxy/waf-custom-rules',
    key: 'waf_custom_rules',
    fixed: { hostId: host.id },
    fields: [
      { name: 'name', label: 'Name', kind: 'text', required: true },
      { name: 'secrule', label: 'SecRule', kind: 'textarea', required: true, placeholder: 'SecRule REQUEST_URI "@contains /admin" "id:10001,phase:1,deny,status:403"' },
      { name: 'enabled', label: 'Enabled', kind: 'checkbox', initial: true },
    ],
    columns: [
      { label: 'Name', value: (r) => String(r.name) },
      { label: 'SecRule', value: (r) => <code>{String(r.secrule)}</code> },
      { label: 'Enabled', value: (r) => yes(r.enabled) },
    ],
  };
}
