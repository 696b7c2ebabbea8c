import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client.js';
import { ConfirmButton, Loadable, useResource } from '../../components/kit.js';
import { ResourceForm } from '../../components/ResourceForm.js';
import { useUser } from '../../components/session.js';
import type { Row } from '../../components/ResourceSection.js';
import { move } from '../../components/resource-form.js';
import { RULE_FIELDS, withFormFields } from './rule-fields.js';
import { byPriority, moveAnnouncement, nextPriority, reorder } from './rule-order.js';

type Direction = 'up' | 'down';

/** A host's rules in evaluation order, moved with buttons (or dragged); the order is saved at once. */
export function RulesSection({ host }: { host: Row }) {
  const admin = useUser().role === 'admin';
  const rules = useResource<{ rules: Row[] }>(`/api/proxy/rules?host_id=${host.id}`);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  // The moved rule's button keeps the keyboard focus even though its row changed place.
  const [focus, setFocus] = useState<{ id: number; dir: Direction } | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const ordered = byPriority(rules.data?.rules ?? []);

  useEffect(() => {
    if (focus === null || saving) return;
    const row = list.current?.querySelector<HTMLElement>(`[data-rule="${focus.id}"]`);
    const wanted = row?.querySelector<HTMLButtonElement>(`button[data-dir="${focus.dir}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`button[data-dir="${focus.dir === 'up' ? 'down' : 'up'}"]`);
    (wanted && !wanted.disabled ? wanted : other)?.focus();
    setFocus(null);
  }, [focus, saving, rules.data]);

  const saveOrder = async (next: readonly Row[], moved: Row, dir?: Direction) => {
    if (next === ordered) return;
    setError(null);
    setSaving(true);
    try {
      await api('PUT', `/api/proxy/hosts/${host.id}/rules/order`, { ruleIds: next.map((r) => r.id) });
      setStatus(moveAnnouncement(String(moved.name), next.indexOf(moved), next.length));
    } catch (e) {
      setError(`The new order was not saved: ${errorMessage(e)}`);
    }
    await rules.reload();
    setSaving(false);
    if (dir) setFocus({ id: moved.id, dir });
  };
  const drop = (to: number) => {
    const from = dragged;
    setDragged(null);
    setDropAt(null);
    if (from === null) return;
    void saveOrder(reorder(ordered, from, to), ordered[from]!);
  };

  return (
    <section aria-label="Rules">
      <h2>Rules</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" role="status">
        {status}
      </p>
      <Loadable resource={rules} isEmpty={() => ordered.length === 0} empty="No rules: every request is forwarded to the target group.">
        {() => (
          <ol className="rules" ref={list} aria-busy={saving || undefined}>
            {ordered.map((rule, i) =>
              editing === rule.id ? (
                <li key={rule.id}>
                  <ResourceForm
                    fields={RULE_FIELDS}
                    row={rule}
                    submitLabel="Save rule"
                    onCancel={() => setEditing(null)}
                    onSubmit={async (body) => {
                      await withFormFields(() => api('PATCH', `/api/proxy/rules/${rule.id}`, body));
                      setEditing(null);
                      await rules.reload();
                    }}
                  />
                </li>
              ) : (
                <li
                  key={rule.id}
                  data-rule={rule.id}
                  className={dropAt === i && dragged !== i ? 'drop-target' : undefined}
                  draggable={admin && !saving}
                  onDragStart={(e) => {
                    e.dataTransfer.effectAllowed = 'move';
                    setDragged(i);
                  }}
                  onDragOver={(e) => {
                    if (dragged === null) return;
                    e.preventDefault();
                    setDropAt(i);
                  }}
                  onDragEnd={() => {
                    setDragged(null);
                    setDropAt(null);
                  }}
                  onDrop={(e) => {
                    e.preventDefault();
                    drop(i);
                  }}
                >
                  <span className="rule-name">{String(rule.name)}</span>
                  <span className="hint">
                    {String(rule.action_type)}
                    {rule.enabled === false || rule.enabled === 0 ? ', disabled' : ''}
                  </span>
                  {admin && (
                    <span className="row-actions">
                      <button type="button" data-dir="up" aria-label={`Move ${String(rule.name)} up`} disabled={i === 0 || saving} onClick={() => void saveOrder(move(ordered, i, -1), rule, 'up')}>
                        ↑
                      </button>
                      <button type="button" data-dir="down" aria-label={`Move ${String(rule.name)} down`} disabled={i === ordered.length - 1 || saving} onClick={() => void saveOrder(move(ordered, i, 1), rule, 'down')}>
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
          fields={RULE_FIELDS}
          row={{ priority: nextPriority(ordered), enabled: true }}
          submitLabel="Add rule"
          onCancel={() => setAdding(false)}
          onSubmit={async (body) => {
            await withFormFields(() => api('POST', '/api/proxy/rules', { ...body, hostId: host.id }));
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
