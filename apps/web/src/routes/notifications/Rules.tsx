import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.js';
import { ConfirmButton, Field, FormFooter, Loadable, Options, TableHead, useResource, useSubmit } from '../../components/kit.js';
import { useUser } from '../../components/session.js';
import type { Channel } from './channel-form.js';
import { eventPatterns, type EventInfo } from './events.js';

const SEVERITIES = ['info', 'warning', 'critical'] as const;

interface Rule {
  readonly id: number;
  readonly name: string;
  readonly channel_id: number;
  readonly event_type: string;
  readonly filter_severities: string[];
  readonly throttle_window_seconds: number;
  readonly enabled: boolean | number;
}

function RuleForm({ rule, channels, events, onSubmit, onCancel }: { rule: Rule | null; channels: readonly Channel[]; events: readonly EventInfo[]; onSubmit: (body: Record<string, unknown>) => Promise<void>; onCancel: () => void }) {
  const submit = useSubmit(async (form: FormData) => {
    const throttle = String(form.get('throttleWindowSeconds') ?? '').trim();
    if (throttle !== '' && !/^\d+$/.test(throttle)) throw new ApiError(400, 'VALIDATION', 'throttleWindowSeconds: must be whole seconds', [{ field: 'throttleWindowSeconds', message: 'must be whole seconds' }]);
    await onSubmit({
      name: String(form.get('name') ?? '').trim(),
      channelId: Number(form.get('channelId')),
      eventType: String(form.get('eventType')),
      severities: form.getAll('severities').map(String),
      ...(throttle === '' ? {} : { throttleWindowSeconds: Number(throttle) }),
      enabled: form.get('enabled') === 'on',
    });
  });
  const handle = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void submit.run(new FormData(e.currentTarget));
  };
  return (
    <form className="stack card" aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'} onSubmit={handle} noValidate>
      <Field label="Rule name" name="name" defaultValue={rule?.name ?? ''} error={submit.fieldError('name')} />
      <Field label="Event" error={submit.fieldError('eventType')}>
        <select name="eventType" defaultValue={rule?.event_type ?? events[0]?.type}>
          <Options options={eventPatterns(events)} />
        </select>
      </Field>
      <Field label="Send to" error={submit.fieldError('channelId')}>
        <select name="channelId" defaultValue={rule?.channel_id ?? channels[0]?.id}>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>Severities (none: all)</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className="inline">
            <input type="checkbox" name="severities" value={s} defaultChecked={rule?.filter_severities.includes(s) ?? false} /> {s}
          </label>
        ))}
      </fieldset>
      <Field label="Throttle window (seconds)" name="throttleWindowSeconds" inputMode="numeric" defaultValue={rule?.throttle_window_seconds ?? ''} hint="Repeats of the same event inside the window are counted, not sent." error={submit.fieldError('throttleWindowSeconds')} />
      <label className="inline">
        <input type="checkbox" name="enabled" defaultChecked={rule ? Boolean(rule.enabled) : true} /> Enabled
      </label>
      <FormFooter error={submit.formError} label="Save rule" busy={submit.busy} onCancel={onCancel} />
    </form>
  );
}

/** Which events go to which channel. */
export function Rules({ channels, events }: { channels: readonly Channel[]; events: readonly EventInfo[] }) {
  const rules = useResource<{ rules: Rule[] }>('/api/notifications/rules');
  const admin = useUser().role === 'admin';
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const save = (rule: Rule | null) => async (body: Record<string, unknown>) => {
    if (rule === null) await api('POST', '/api/notifications/rules', body);
    else await api('PUT', `/api/notifications/rules/${rule.id}`, body);
    setEditing(null);
    await rules.reload();
  };
  const channelName = (id: number) => channels.find((c) => c.id === id)?.name ?? `#${id}`;
  const form = (rule: Rule | null) => <RuleForm rule={rule} channels={channels} events={events} onSubmit={save(rule)} onCancel={() => setEditing(null)} />;
  return (
    <section aria-label="Rules">
      <h2>Rules</h2>
      <Loadable resource={rules} isEmpty={(d) => d.rules.length === 0} empty="No rules: no event is sent anywhere.">
        {(d) => (
          <table className="data">
            <TableHead columns={['Name', 'Event', 'Channel', 'Severities', 'Throttle']} actions={admin} />
            <tbody>
              {d.rules.map((r) =>
                editing === r.id ? (
                  <tr key={r.id}>
                    <td colSpan={6}>{form(r)}</td>
                  </tr>
                ) : (
                  <tr key={r.id}>
                    <td>
                      {r.name} {!r.enabled && <span className="hint">(disabled)</span>}
                    </td>
                    <td>{r.event_type}</td>
                    <td>{channelName(r.channel_id)}</td>
                    <td>{r.filter_severities.length ? r.filter_severities.join(', ') : 'all'}</td>
                    <td>{r.throttle_window_seconds ? `${r.throttle_window_seconds} s` : 'none'}</td>
                    {admin && (
                    <td className="row-actions">
                      <button type="button" onClick={() => setEditing(r.id)}>
                        Edit
                      </button>
                      <ConfirmButton
                        label="Delete"
                        title={`Delete the rule ${r.name}?`}
                        message="Its events are no longer sent to the channel."
                        onConfirm={async () => {
                          await api('DELETE', `/api/notifications/rules/${r.id}`);
                          await rules.reload();
                        }}
                      />
                    </td>
                    )}
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </Loadable>
      {!admin ? null : editing === 'new' ? (
        form(null)
      ) : (
        <button type="button" disabled={channels.length === 0} onClick={() => setEditing('new')}>
          New rule
        </button>
      )}
      {admin && channels.length === 0 && <p className="hint">Add a channel first.</p>}
    </section>
  );
}
