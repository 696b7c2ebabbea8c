import { useState, type FormEvent } from 'react';
import { Field, FormFooter, formValues, useSubmit } from '../../components/kit.js';

/** The body that changes a user's e-mail: a blank field removes it (`null`). */
export function emailChange(text: string): { email: string | null } {
  const email = text.trim();
  return { email: email === '' ? null : email };
}

/** A user's e-mail (it decides which projects they may enter), changed in place. */
export function UserEmail({ username, email, save }: { username: string; email: string | null; save: (change: { email: string | null }) => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const submit = useSubmit(async (v: Record<string, string>) => {
    await save(emailChange(v.email ?? ''));
    setEditing(false);
  });
  if (!editing)
    return (
      <span className="user-email">
        {email ?? <span className="hint">none</span>}{' '}
        <button type="button" aria-label={`Change the e-mail of ${username}`} onClick={() => setEditing(true)}>
          Change
        </button>
      </span>
    );
  return (
    <form className="inline-form" aria-label={`Change the e-mail of ${username}`} noValidate onSubmit={(e: FormEvent<HTMLFormElement>) => void submit.run(formValues(e))}>
      <Field label={`E-mail of ${username}`} name="email" type="email" autoComplete="off" defaultValue={email ?? ''} hint="Blank removes it." error={submit.fieldError('email')} autoFocus />
      <FormFooter
        error={submit.formError}
        label="Save e-mail"
        busy={submit.busy}
        onCancel={() => {
          submit.reset();
          setEditing(false);
        }}
      />
    </form>
  );
}
