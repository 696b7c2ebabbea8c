import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client.js';
import { Field, FormFooter, Options, useSubmit } from '../../components/kit.js';
import { CHANNEL_TYPES, ChannelFormError, channelBody, channelFormValue, clearInput, CONFIG_FIELDS, configInput, storedSecret, TYPE_LABELS, type Channel, type ChannelType } from './channel-form.js';

/** A channel's form: the fields of its type; secrets are never shown, blank keeps the stored one. */
export function ChannelForm({ channel, onSubmit, onCancel }: { channel: Channel | null; onSubmit: (body: Record<string, unknown>) => Promise<void>; onCancel: () => void }) {
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'webhook');
  const submit = useSubmit(async (values: Record<string, string>, enabled: boolean) => {
    let body: Record<string, unknown>;
    try {
      body = channelBody(type, values, enabled, channel);
    } catch (e) {
      if (e instanceof ChannelFormError) throw new ApiError(400, 'VALIDATION', e.message, [{ field: e.field, message: e.message }]);
      throw e;
    }
    await onSubmit(body);
  });
  const handle = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values: Record<string, string> = {};
    for (const [k, v] of new FormData(form)) if (typeof v === 'string') values[k] = v;
    void submit.run(values, (form.elements.namedItem('enabled') as HTMLInputElement).checked);
  };
  const title = channel ? `Edit channel ${channel.name}` : 'New channel';
  return (
    <form className="stack card" aria-label={title} onSubmit={handle} noValidate>
      <h3>{title}</h3>
      <Field label="Name" name="name" defaultValue={channel?.name ?? ''} required error={submit.fieldError('name')} />
      <Field label="Type" error={submit.fieldError('type')}>
        <select name="type" value={type} disabled={channel !== null} onChange={(e) => setType(e.target.value as ChannelType)}>
          {CHANNEL_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </Field>
      <fieldset key={type}>
        <legend>{TYPE_LABELS[type]} settings</legend>
        {CONFIG_FIELDS[type].map((f) => {
          const name = configInput(f.name);
          const error = submit.fieldError(name);
          const stored = storedSecret(f.name, channel, type);
          if (f.kind === 'select')
            return (
              <Field key={f.name} label={f.label} error={error}>
                <select name={name} defaultValue={channelFormValue(f, channel)}>
                  <option value="">default</option>
                  <Options options={f.options} />
                </select>
              </Field>
            );
          const input = (
            <Field
              key={f.name}
              label={f.label}
              name={name}
              type={f.kind === 'password' ? 'password' : 'text'}
              autoComplete={f.kind === 'password' ? 'new-password' : 'off'}
              defaultValue={channelFormValue(f, channel)}
              placeholder={f.kind === 'password' ? (stored ? 'stored — leave blank to keep' : 'not set') : f.placeholder}
              hint={f.hint}
              error={error}
            />
          );
          if (!stored) return input;
          return (
            <div key={f.name} className="stack-tight">
              {input}
              <label className="inline">
                <input type="checkbox" name={clearInput(f.name)} /> Remove the stored {f.label.toLowerCase()}
              </label>
            </div>
          );
        })}
      </fieldset>
      <Field label="At most this many messages per minute" name="rateLimitPerMinute" inputMode="numeric" defaultValue={channel?.rateLimitPerMinute ?? ''} error={submit.fieldError('rateLimitPerMinute')} />
      <label className="inline">
        <input type="checkbox" name="enabled" defaultChecked={channel?.enabled ?? true} /> Enabled
      </label>
      <FormFooter error={submit.formError} label="Save channel" busy={submit.busy} onCancel={onCancel} />
    </form>
  );
}
