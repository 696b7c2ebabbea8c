import { useState } from 'react';
import { api } from '../../api/client.js';
import { ConfirmButton, Loadable, useResource } from '../../components/kit.js';
import { ResourceForm } from '../../components/ResourceForm.js';
import { useUser } from '../../components/session.js';
import type { Row } from '../../components/ResourceSection.js';
import { move, type FieldSpec } from '../../components/resource-form.js';

const RULE: readonly FieldSpec[] = [
  { name: 'name', label: 'Rule name', kind: 'text', required: true },
  { name: 'priority', label: 'Priority', kind: 'number', required: true, hint: 'Lower runs first; reorder with the arrows.' },
  { name: 'actionType', label: 'Action', kind: 'select', required: true, options: ['forward', 'redirect', 'fixed_response', 'block', 'rewrite'] },
  { name: 'actionConfig', label: 'Action settings (JSON)', kind: 'json', placeholder: '{"location": "https://example.com"}' },
  { name: 'matchersConfig', label: 'Matchers (JSON)', kind: 'json', placeholder: '[{"type": "path", "config": {"prefix": "/admin"}}]' },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox' },
];

/** A host's rules in evaluation order, moved with buttons (or dragged); the order is saved at once. */
export function RulesSection({ host }: { host: Row }) {
  const admin = useUser().role === 'admin';
  const rules = useResource<{ rules: Row[] }>(`/api/proxy/rules?host_id=${host.id}`);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ordered = [...(rules.data?.rules ?? [])].sort((a, b) => Number(a.priority) - Number(b.priority));
  const saveOrder = async (next: readonly Row[]) => {
    if (next === ordered) return;
    setError(null);
    try {
      await api('PUT', `/api/proxy/hosts/${host.id}/rules/order`, { ruleIds: next.map((r) => r.id) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await rules.reload();
  };
  const nextPriority = (ordered.at(-1) ? Number(ordered.at(-1)!.priority) : 0) + 10;
  return (
    <section aria-label="Rules">
      <h2>Rules</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <Loadable resource={rules} isEmpty={() => ordered.length === 0} empty="No rules: every request is forwarded to the target group.">
        {() => (
          <ol className="rules">
            {ordered.map((rule, i) =>
              editing === rule.id ? (
                <li key={rule.id}>
                  <ResourceForm
                    fields={RULE}
                    row={rule}
                    submitLabel="Save rule"
                    onCancel={() => setEditing(null)}
                    onSubmit={async (body) => {
                      await api('PATCH', `/api/proxy/rules/${rule.id}`, body);
                      setEditing(null);
                      await rules.reload();
                    }}
                  />
                </li>
              ) : (
                <li
                  key={rule.id}
                  draggable={admin}
                  onDragStart={() => setDragged(i)}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={() => {
                    if (dragged === null || dragged === i) return;
                    const next = [...ordered];
                    const [item] = next.splice(dragged, 1);
                    next.splice(i, 0, item!);
                    setDragged(null);
                    void saveOrder(next);
                  }}
                >
                  <span className="rule-name">{String(rule.name)}</span> <span className="hint">{String(rule.action_type)}</span>
                  {admin && (
                  <span className="row-actions">
                    <button type="button" aria-label={`Move ${String(rule.name)} up`} disabled={i === 0} onClick={() => void saveOrder(move(ordered, i, -1))}>
                      ↑
                    </button>
                    <button type="button" aria-label={`Move ${String(rule.name)} down`} disabled={i === ordered.length - 1} onClick={() => void saveOrder(move(ordered, i, 1))}>
                      ↓
                    </button>
                    <button type="button" onClick={() => setEditing(rule.id)}>
                      Edit
                    </button>
                    <ConfirmButton
                      label="Delete"
                      title={`Delete the rule ${String(rule.name)}?`}
                      message="Requests it matched fall through to the next rule."
                      onConfirm={async () => {
                        await api('DELETE', `/api/proxy/rules/${rule.id}`);
                        await rules.reload();
                      }}
                    />
                  </span>
                  )}
                </li>
              ),
            )}
          </ol>
        )}
      </Loadable>
      {!admin ? null : adding ? (
        <ResourceForm
          fields={RULE}
          row={{ priority: nextPriority, enabled: true }}
          submitLabel="Add rule"
          onCancel={() => setAdding(false)}
          onSubmit={async (body) => {
            await api('POST', '/api/proxy/rules', { ...body, hostId: host.id });
            setAdding(false);
            await rules.reload();
          }}
        />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          New rule
        </button>
      )}
    </section>
  );
}
