import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client.js';
import { totpAnswer } from './account/codes.js';

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
      else if (challenge !== null) await api('POST', '/api/auth/totp', { challenge, ...totpAnswer(form.code ?? '') });
      else {
        const result = await api<{ totpRequired?: boolean; challenge?: string }>('POST', '/api/auth/login', { username: form.username, password: form.password });
        if (result.totpRequired) {
          setChallenge(result.challenge!);
          return;
        }
      }
      await onSignedIn();
    } catch (e) {
      // An expired or used-up login step cannot be retried: back to the password.
      if (challenge !== null && e instanceof ApiError && e.message.includes('expired')) setChallenge(null);
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
          <input name="code" required autoComplete="one-time-code" inputMode="text" autoFocus aria-invalid={error ? true : undefined} />
          <small className="hint">The 6 digits your app shows now, or one of your saved recovery codes (each works once).</small>
        </label>
      )}
      {error && error.fields.length === 0 && (
        <p className="error" role="alert">
          {challenge !== null && error.message === 'wrong code' ? 'Wrong code: check that the clock of the device with your app is right, or use a recovery code.' : error.message}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {setupRequired ? 'Create admin' : 'Sign in'}
      </button>
      {challenge !== null && (
        <button
          type="button"
          onClick={() => {
            setChallenge(null);
            setError(null);
          }}
        >
          Back to the password
        </button>
      )}
    </form>
  );
}
