import { useState } from 'react';
import { Loadable, useResource } from '../components/kit.js';
import { ResourceSection, type Row, type SectionSpec } from '../components/ResourceSection.js';
import { HostPanel } from './proxy/HostPanel.js';
import { allowlistSpec } from './proxy/specs.js';
import './proxy/proxy.css';

const yes = (v: unknown) => (v === true || v === 1 ? 'yes' : 'no');

const targetGroups: SectionSpec = {
  title: 'Target groups',
  noun: 'target group',
  path: '/api/proxy/target-groups',
  key: 'target_groups',
  fields: [
    { name: 'name', label: 'Name', kind: 'text', required: true },
    { name: 'protocol', label: 'Protocol', kind: 'select', options: ['http', 'https'] },
    { name: 'algorithm', label: 'Load balancing', kind: 'select', options: ['round_robin', 'least_conn', 'ip_hash', 'random'] },
    { name: 'verifyTls', label: 'Verify upstream TLS', kind: 'checkbox' },
    { name: 'healthCheckEnabled', label: 'Health checks', kind: 'checkbox' },
    { name: 'healthCheckPath', label: 'Health check path', kind: 'text', placeholder: '/healthz' },
    { name: 'preserveHost', label: 'Preserve the Host header', kind: 'checkbox' },
  ],
  columns: [
    { label: 'Name', value: (r) => String(r.name) },
    { label: 'Protocol', value: (r) => String(r.protocol) },
    { label: 'Balancing', value: (r) => String(r.algorithm) },
    { label: 'Health check', value: (r) => (r.health_check_enabled ? String(r.health_check_path ?? '/') : 'off') },
  ],
  deleteWarning: 'The group and its targets are removed. A group still used by a host cannot be deleted.',
};

const targetsOf = (group: Row): SectionSpec => ({
  title: `Targets of ${String(group.name)}`,
  noun: 'target',
  path: '/api/proxy/targets',
  key: 'targets',
  fixed: { targetGroupId: group.id },
  fields: [
    { name: 'host', label: 'Target host', kind: 'text', required: true, placeholder: '10.0.0.5' },
    { name: 'port', label: 'Port', kind: 'number', required: true },
    { name: 'weight', label: 'Weight', kind: 'number' },
    { name: 'enabled', label: 'Enabled', kind: 'checkbox', initial: true },
  ],
  columns: [
    { label: 'Address', value: (r) => `${String(r.host)}:${String(r.port)}` },
    { label: 'Weight', value: (r) => String(r.weight) },
    { label: 'Enabled', value: (r) => yes(r.enabled) },
  ],
});

/** Proxy configuration: target groups and targets, hosts with their rules, security and WAF settings, allowlists. */
export default function Proxy() {
  const groups = useResource<{ target_groups: Row[] }>('/api/proxy/target-groups');
  const [group, setGroup] = useState<Row | null>(null);
  // The open host is looked up in a fresh list after every change: an edit retitles its panel, a delete closes it.
  const hostList = useResource<{ hosts: Row[] }>('/api/proxy/hosts');
  const [hostId, setHostId] = useState<number | null>(null);
  const host = hostList.data?.hosts.find((h) => h.id === hostId) ?? null;
  const groupOptions = (groups.data?.target_groups ?? []).map((g) => ({ value: String(g.id), label: String(g.name) }));
  const hosts: SectionSpec = {
    title: 'Hosts',
    noun: 'host',
    path: '/api/proxy/hosts',
    key: 'hosts',
    fields: [
      { name: 'domain', label: 'Domain', kind: 'text', required: true, placeholder: 'app.example.com' },
      { name: 'targetGroupId', label: 'Target group', kind: 'select', numeric: true, required: true, options: groupOptions },
      { name: 'tlsMode', label: 'TLS', kind: 'select', options: ['auto', 'none'] },
      { name: 'tlsEmail', label: 'ACME e-mail', kind: 'text', nullable: true },
      { name: 'enabled', label: 'Enabled', kind: 'checkbox', initial: true },
      { name: 'authRequired', label: 'Require sign-in', kind: 'checkbox' },
      { name: 'lanOnly', label: 'LAN only', kind: 'checkbox' },
    ],
    columns: [
      { label: 'Domain', value: (r) => String(r.domain) },
      { label: 'Target group', value: (r) => groupOptions.find((g) => g.value === String(r.target_group_id))?.label ?? String(r.target_group_id) },
      { label: 'TLS', value: (r) => String(r.tls_mode) },
      { label: 'Enabled', value: (r) => yes(r.enabled) },
    ],
    deleteWarning: 'The host, its rules, security settings, WAF exclusions, custom rules and allowlist entries are removed.',
  };
  return (
    <div className="proxy">
      <h1>Proxy configuration</h1>
      <Loadable resource={groups}>
        {() => (
          <>
            <ResourceSection
              spec={targetGroups}
              onChange={() => void groups.reload()}
              extra={(row) => (
                <button type="button" aria-pressed={group?.id === row.id} onClick={() => setGroup(group?.id === row.id ? null : row)}>
                  Targets
                </button>
              )}
            />
            {group && <ResourceSection key={group.id} spec={targetsOf(group)} query={`?target_group_id=${group.id}`} />}
            <ResourceSection
              spec={hosts}
              onChange={() => void hostList.reload()}
              extra={(row) => (
                <button type="button" aria-pressed={hostId === row.id} onClick={() => setHostId(hostId === row.id ? null : row.id)}>
                  Configure
                </button>
              )}
            />
            {host && <HostPanel key={host.id} host={host} onClose={() => setHostId(null)} />}
            <ResourceSection spec={allowlistSpec(null)} />
          </>
        )}
      </Loadable>
    </div>
  );
}
