import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { Field, FormFooter, Options, useSubmit } from './kit.js';
import { FormProblem, initialValue, toBody, type FieldSpec } from './resource-form.js';

/**
 * A form made from field declarations: each field shows the api's message for it; `onSubmit`
 * receives the JSON body. Password fields start blank (secrets are write-only).
 */
export function ResourceForm({ fields, row, submitLabel, onSubmit, onCancel, readOnly }: { fields: readonly FieldSpec[]; row: Record<string, unknown> | null; submitLabel: string; onSubmit: (body: Record<string, unknown>) => Promise<void>; onCancel?: () => void; readOnly?: boolean }) {
  const submit = useSubmit(async (values: Record<string, string>, checked: ReadonlySet<string>) => {
    let body: Record<string, unknown>;
    try {
      body = toBody(fields, values, checked);
    } catch (e) {
      if (e instanceof FormProblem) throw new ApiError(400, 'VALIDATION', e.message, [{ field: e.field, message: e.message }]);
      throw e;
    }
    await onSubmit(body);
  });
  const [formKey, setFormKey] = useState(0);
  const id = useId();
  const handle = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values: Record<string, string> = {};
    const checked = new Set<string>();
    for (const f of fields) {
      const el = form.elements.namedItem(f.name) as HTMLInputElement | null;
      if (el === null) continue;
      if (f.kind === 'checkbox') {
        if (el.checked) checked.add(f.name);
      } else values[f.name] = el.value;
    }
    const ok = await submit.run(values, checked);
    if (ok && row === null) setFormKey((k) => k + 1);
  };
  return (
    <form key={formKey} className="stack resource-form" onSubmit={(e) => void handle(e)} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>{submitLabel}</h3>
      <fieldset disabled={readOnly} className="plain">
      {fields.map((f) => {
        const initial = initialValue(f, row);
        const error = submit.fieldError(f.name);
        if (f.kind === 'checkbox')
          return (
            <label key={f.name} className="inline">
              <input type="checkbox" name={f.name} defaultChecked={initial === true} /> {f.label}
              {error && <small className="field-error">{error}</small>}
            </label>
          );
        if (f.kind === 'select')
          return (
            <Field key={f.name} label={f.label} error={error} hint={f.hint}>
              <select name={f.name} defaultValue={String(initial)} aria-invalid={error ? true : undefined}>
                {!f.required && <option value="">—</option>}
                <Options options={f.options} />
              </select>
            </Field>
          );
        if (f.kind === 'textarea' || f.kind === 'json')
          return (
            <Field key={f.name} label={f.label} error={error} hint={f.hint}>
              <textarea name={f.name} defaultValue={String(initial)} rows={f.kind === 'json' ? 4 : 3} placeholder={f.placeholder} aria-invalid={error ? true : undefined} />
            </Field>
          );
        return (
          <Field
            key={f.name}
            label={f.label}
            name={f.name}
            type={f.kind === 'number' ? 'text' : f.kind}
            inputMode={f.kind === 'number' ? 'numeric' : undefined}
            defaultValue={String(initial)}
            placeholder={f.kind === 'password' && row !== null ? 'unchanged — type to replace' : f.placeholder}
            autoComplete={f.kind === 'password' ? 'new-password' : 'off'}
            error={error}
            hint={f.hint}
          />
        );
      })}
      </fieldset>
      {!readOnly && <FormFooter error={submit.formError} label={submitLabel} busy={submit.busy} onCancel={onCancel} />}
    </form>
  );
}
