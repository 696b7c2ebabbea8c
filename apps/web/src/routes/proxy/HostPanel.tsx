import { api } from '../../api/client.js';
import { Loadable, useResource } from '../../components/kit.js';
import { ResourceForm } from '../../components/ResourceForm.js';
import { ResourceSection, type Row } from '../../components/ResourceSection.js';
import type { FieldSpec } from '../../components/resource-form.js';
import { useUser } from '../../components/session.js';
import { RulesSection } from './RulesSection.js';
import { allowlistSpec, wafCustomRuleSpec, wafExclusionSpec } from './specs.js';

const SECURITY: readonly FieldSpec[] = [
  { name: 'wafEnabled', label: 'WAF enabled', kind: 'checkbox' },
  { name: 'wafMode', label: 'WAF mode', kind: 'select', required: true, options: [{ value: 'detect', label: 'detect only' }, { value: 'block', label: 'block' }] },
  { name: 'wafParanoia', label: 'Paranoia level (1-4)', kind: 'number', required: true },
  { name: 'wafBlockStatus', label: 'Block status', kind: 'number', required: true },
  { name: 'wafBlockBody', label: 'Block response body', kind: 'textarea' },
  { name: 'rateLimitEnabled', label: 'Rate limit enabled', kind: 'checkbox' },
  { name: 'rateLimitRequests', label: 'Requests per window', kind: 'number', required: true },
  { name: 'rateLimitWindowSeconds', label: 'Window (seconds)', kind: 'number', required: true },
  { name: 'rateLimitKey', label: 'Count per', kind: 'select', required: true, options: [{ value: 'ip', label: 'client IP' }, { value: 'header', label: 'request header' }, { value: 'global', label: 'whole host' }] },
  { name: 'rateLimitHeaderName', label: 'Header name', kind: 'text', nullable: true, hint: 'Required when counting per request header.' },
  { name: 'rateLimitStatus', label: 'Rate limit status', kind: 'number', required: true },
];

/** What a host without saved settings starts from. */
const DEFAULTS: Record<string, unknown> = { waf_enabled: true, waf_mode: 'block', waf_paranoia: 1, waf_block_status: 403, waf_block_body: '', rate_limit_enabled: false, rate_limit_requests: 100, rate_limit_window_seconds: 60, rate_limit_key: 'ip', rate_limit_header_name: null, rate_limit_status: 429 };

function SecurityForm({ host }: { host: Row }) {
  const admin = useUser().role === 'admin';
  const security = useResource<{ security: Record<string, unknown> | null }>(`/api/proxy/hosts/${host.id}/security`);
  return (
    <section aria-label="Host security">
      <h2>Security</h2>
      <Loadable resource={security}>
        {(d) => (
          <>
            {d.security === null && <p className="hint">Not saved yet: the defaults below apply.</p>}
            <ResourceForm
              key={String(d.security?.updated_at ?? 'new')}
              fields={SECURITY}
              row={d.security ?? DEFAULTS}
              submitLabel={admin ? 'Save security settings' : 'Security settings'}
              readOnly={!admin}
              onSubmit={async (body) => {
                await api('PUT', `/api/proxy/hosts/${host.id}/security`, { wafBlockBody: '', rateLimitHeaderName: null, ...body });
                await security.reload();
              }}
            />
          </>
        )}
      </Loadable>
    </section>
  );
}

/** Everything configured on one host. */
export function HostPanel({ host, onClose }: { host: Row; onClose: () => void }) {
  return (
    <div className="card host-panel" role="region" aria-label={`Host ${String(host.domain)}`}>
      <div className="panel-head">
        <h2>Host {String(host.domain)}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <RulesSection host={host} />
      <SecurityForm host={host} />
      <ResourceSection spec={wafExclusionSpec(host)} query={`?host_id=${host.id}`} />
      <ResourceSection spec={wafCustomRuleSpec(host)} query={`?host_id=${host.id}`} />
      <ResourceSection spec={allowlistSpec(host)} query={`?host_id=${host.id}`} />
    </div>
  );
}
