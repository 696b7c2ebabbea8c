import { useState, type FormEvent } from 'react';
import { api, ApiError, errorMessage } from '../../api/client.js';
import { Field, FormError, useSubmit } from '../../components/kit.js';
import { changedSettings, inputKind, settingUnit, type Setting } from './setting-value.js';

export { parseSetting, type Setting } from './setting-value.js';

/** PUT /api/settings/:key (the api validates against its catalog and names the key on a bad value). */
export async function saveSetting(key: string, value: unknown): Promise<void> {
  await api('PUT', `/api/settings/${encodeURIComponent(key)}`, { value });
}

/**
 * Every changed setting is sent (one PUT each); the ones the api refuses keep their message next to
 * their field, the others are saved.
 */
async function saveAll(changed: Map<string, unknown>, save: typeof saveSetting): Promise<{ saved: number; refused: { field: string; message: string }[] }> {
  const refused: { field: string; message: string }[] = [];
  let saved = 0;
  for (const [key, value] of changed) {
    try {
      await save(key, value);
      saved++;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) throw e;
      const own = e.fields.filter((f) => f.field === key);
      refused.push(...(own.length > 0 ? own : [{ field: key, message: e.message }]));
    }
  }
  return { saved, refused };
}

/** A group of settings saved together; read-only (no save button, inputs locked) for viewers. */
export function SettingsForm({ title, settings, readOnly, onSaved, save = saveSetting }: { title: string; settings: readonly Setting[]; readOnly: boolean; onSaved: () => Promise<void>; save?: typeof saveSetting }) {
  const [status, setStatus] = useState<string | null>(null);
  const submit = useSubmit(async (changed: Map<string, unknown>) => {
    if (changed.size === 0) {
      setStatus('Nothing changed.');
      return;
    }
    const { saved, refused } = await saveAll(changed, save);
    if (saved > 0) await onSaved();
    if (refused.length > 0) {
      throw new ApiError(400, 'VALIDATION', 'refused', refused);
    }
    setStatus('Saved.');
  });
  const handle = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setStatus(null);
    const form = event.currentTarget;
    const changed = changedSettings(settings, (key) => {
      const el = form.elements.namedItem(key);
      return el instanceof HTMLInputElement ? { value: el.value, checked: el.checked } : null;
    });
    void submit.run(changed);
  };
  return (
    <form className="stack card settings-group" onSubmit={handle} aria-label={title} noValidate>
      <h2>{title}</h2>
      {settings.map((s) => {
        const kind = inputKind(s);
        const error = submit.fieldError(s.key);
        if (kind === 'checkbox')
          return (
            <label key={s.key} className="inline">
              <input type="checkbox" name={s.key} defaultChecked={s.value === true} disabled={readOnly} aria-invalid={error ? true : undefined} aria-describedby={error ? `${s.key}-error` : undefined} /> {s.description}
              {error && (
                <small id={`${s.key}-error`} className="field-error">
                  {error}
                </small>
              )}
            </label>
          );
        const unit = settingUnit(s.key);
        return (
          <Field
            key={s.key}
            label={unit ? `${s.description} (${unit})` : s.description}
            name={s.key}
            type={kind}
            step={kind === 'number' ? 1 : undefined}
            defaultValue={String(s.value)}
            readOnly={readOnly}
            error={error}
            hint={`${s.key} · default ${String(s.default)}`}
          />
        );
      })}
      <FormError message={submit.error && submit.error.fields.length > 0 ? 'Some values were refused; the fields marked above say why (the others were saved).' : submit.error ? errorMessage(submit.error) : null} />
      {status && (
        <p className="ok" role="status">
          {status}
        </p>
      )}
      {!readOnly && (
        <div className="actions">
          <button type="submit" disabled={submit.busy}>
            {submit.busy ? 'Saving…' : `Save ${title.toLowerCase()}`}
          </button>
        </div>
      )}
    </form>
  );
}
