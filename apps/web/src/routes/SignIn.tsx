import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';

/** First run (setup token, first admin) and sign in, with the TOTP step. */
export function SignIn({ setupRequired, onSignedIn }: { setupRequired: boolean; onSignedIn: () => Promise<void> }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [challenge, setChallenge] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    setBusy(true);
    setError(null);
    try {
      if (setupRequired) await api('POST', '/api/auth/setup', { token: form.token, username: form.username, password: form.password, ...(form.email ? { email: form.email } : {}) });
      else if (challenge !== null) await api('POST', '/api/auth/totp', form.code?.includes('-') ? { challenge, recoveryCode: form.code } : { challenge, code: form.code });
      else {
        const result = await api<{ totpRequired?: boolean; challenge?: string }>('POST', '/api/auth/login', { username: form.username, password: form.password });
        if (result.totpRequired) {
          setChallenge(result.challenge!);
          return;
        }
      }
      await onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'the server cannot be reached'));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => error?.fields.find((f) => f.field === name)?.message;

  return (
    <form className="card signin" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
      <h1 id="signin-title">{setupRequired ? 'Create the first admin' : challenge ? 'Two-factor code' : 'Sign in to Panoptes'}</h1>
      {setupRequired && (
        <label>
          Setup token (printed by the server at start)
          <input name="token" required autoComplete="off" />
        </label>
      )}
      {challenge === null ? (
        <>
          <label>
            User name
            <input name="username" required autoComplete="username" />
            {fieldError('username') && <span className="field-error">{fieldError('username')}</span>}
          </label>
          {setupRequired && (
            <label>
              E-mail (optional)
              <input name="email" type="email" autoComplete="email" />
            </label>
          )}
          <label>
            Password
            <input name="password" type="password" required autoComplete={setupRequired ? 'new-password' : 'current-password'} />
            {fieldError('password') && <span className="field-error">{fieldError('password')}</span>}
          </label>
        </>
      ) : (
        <label>
          Code from your authenticator, or a recovery code
          <input name="code" required autoComplete="one-time-code" inputMode="text" autoFocus />
        </label>
      )}
      {error && error.fields.length === 0 && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {setupRequired ? 'Create admin' : 'Sign in'}
      </button>
    </form>
  );
}
