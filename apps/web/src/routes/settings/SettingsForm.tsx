import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { Field, FormError, useSubmit } from '../../components/kit.js';

export interface Setting {
  readonly key: string;
  readonly value: unknown;
  readonly default: unknown;
  readonly description: string;
}

/** The form value of a setting back to its type (the default's type): numbers, booleans, text. */
export function parseSetting(setting: Setting, text: string, checked: boolean): unknown {
  if (typeof setting.default === 'boolean') return checked;
  if (typeof setting.default === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  return text;
}

/**
 * A group of settings saved together: only the changed ones are sent, one PUT each, and a value the
 * api refuses shows its message next to that setting.
 */
export function SettingsForm({ title, settings, readOnly, onSaved }: { title: string; settings: readonly Setting[]; readOnly: boolean; onSaved: () => Promise<void> }) {
  const [saved, setSaved] = useState(false);
  const submit = useSubmit(async (values: Map<string, unknown>) => {
    for (const [key, value] of values) await api('PUT', `/api/settings/${encodeURIComponent(key)}`, { value });
    await onSaved();
    setSaved(true);
  });
  const handle = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const form = event.currentTarget;
    const changed = new Map<string, unknown>();
    for (const s of settings) {
      const el = form.elements.namedItem(s.key) as HTMLInputElement;
      const value = parseSetting(s, el.value, el.checked);
      if (value !== s.value) changed.set(s.key, value);
    }
    void submit.run(changed);
  };
  return (
    <form className="stack card" onSubmit={handle} aria-label={title}>
      <h2>{title}</h2>
      {settings.map((s) =>
        typeof s.default === 'boolean' ? (
          <label key={s.key} className="inline">
            <input type="checkbox" name={s.key} defaultChecked={s.value === true} disabled={readOnly} /> {s.description}
          </label>
        ) : (
          <Field key={s.key} label={s.description} name={s.key} defaultValue={String(s.value)} inputMode={typeof s.default === 'number' ? 'numeric' : undefined} readOnly={readOnly} error={submit.fieldError(s.key)} hint={`${s.key} · default ${String(s.default)}`} />
        ),
      )}
      <FormError message={submit.formError} />
      {saved && (
        <p className="ok" role="status">
          Saved.
        </p>
      )}
      {!readOnly && (
        <div className="actions">
          <button type="submit" disabled={submit.busy}>
            Save {title.toLowerCase()}
          </button>
        </div>
      )}
    </form>
  );
}
