import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import { ConfirmButton, Field, formatTime, FormError, formValues, Loadable, TableHead, useResource, useSubmit } from '../components/kit.js';
import { useUser } from '../components/session.js';
import { describeDevice } from './account/device.js';
import { TotpSection } from './account/TotpSection.js';
import './account/account.css';

interface Session {
  readonly id: number;
  readonly remote_ip: string | null;
  readonly user_agent: string | null;
  readonly created_at: number;
  readonly last_seen_at: number;
  readonly current: boolean;
}

function PasswordForm() {
  const [done, setDone] = useState(false);
  const submit = useSubmit(async (values: Record<string, string>) => {
    await api('POST', '/api/account/password', { current: values.current ?? '', password: values.password ?? '' });
    setDone(true);
  });
  return (
    <form
      className="stack card"
      aria-label="Change password"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        const form = e.currentTarget;
        setDone(false);
        void submit.run(formValues(e)).then((ok) => ok && form.reset());
      }}
    >
      <h2>Password</h2>
      <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={submit.fieldError('current')} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters." error={submit.fieldError('password')} />
      <FormError message={submit.formError} />
      {done && (
        <p className="ok" role="status">
          Password changed; your other sessions were signed out.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={submit.busy}>
          Change password
        </button>
      </div>
    </form>
  );
}

function Sessions() {
  const sessions = useResource<{ sessions: Session[] }>('/api/account/sessions');
  return (
    <section aria-label="Sessions" className="card">
      <h2>Sessions</h2>
      <p>Everywhere you are signed in. Revoke a session you do not recognise; changing the password signs out all the others.</p>
      <Loadable resource={sessions} isEmpty={(d) => d.sessions.length === 0} empty="No sessions.">
        {(d) => (
          <table className="data">
            <TableHead columns={['Device', 'Address', 'Signed in', 'Last seen']} actions />
            <tbody>
              {d.sessions.map((s) => (
                <tr key={s.id}>
                  <td className="session-device" title={s.user_agent ?? undefined}>
                    {describeDevice(s.user_agent)}
                    {s.current && <strong className="session-current current">this session</strong>}
                    {s.user_agent && <small>{s.user_agent}</small>}
                  </td>
                  <td>{s.remote_ip ?? ''}</td>
                  <td>{formatTime(s.created_at)}</td>
                  <td>{formatTime(s.last_seen_at)}</td>
                  <td>
                    <ConfirmButton
                      label="Revoke"
                      title="Revoke this session?"
                      message={s.current ? 'This is the session you are using: you will be signed out of this browser.' : `${describeDevice(s.user_agent)} will be signed out at its next request.`}
                      onConfirm={async () => {
                        await api('DELETE', `/api/account/sessions/${s.id}`);
                        if (s.current) window.location.assign('/');
                        else await sessions.reload();
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
    </section>
  );
}

/** The signed-in user's own account: password, two-factor sign-in, sessions. */
export default function Account() {
  const user = useUser();
  return (
    <div className="account">
      <h1>Account</h1>
      <p>
        Signed in as <strong>{user.username}</strong> ({user.role}){user.email ? `, ${user.email}` : ''}.
      </p>
      <PasswordForm />
      <TotpSection enabled={user.totpEnabled} account={user.email ?? user.username} />
      <Sessions />
    </div>
  );
}
