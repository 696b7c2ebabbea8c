import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import { ConfirmButton, Field, formatTime, FormError, formValues, Loadable, TableHead, useResource, useSubmit } from '../components/kit.js';
import { useUser } from '../components/session.js';
import './admin.css';
import { UserEmail } from './users/UserEmail.js';

interface PanelUser {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
  readonly role: 'admin' | 'viewer';
  readonly disabled: boolean | number;
  readonly totpEnabled: boolean | number;
  readonly lastLoginAt: number | null;
}

function NewUser({ onCreated }: { onCreated: () => Promise<void> }) {
  const submit = useSubmit(async (v: Record<string, string>) => {
    await api('POST', '/api/users', { username: v.username, password: v.password, role: v.role, ...(v.email ? { email: v.email } : {}) });
    await onCreated();
  });
  return (
    <form
      className="stack card"
      aria-label="New user"
      noValidate
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        const form = e.currentTarget;
        void submit.run(formValues(e)).then((ok) => ok && form.reset());
      }}
    >
      <h2>New user</h2>
      <Field label="User name" name="username" autoComplete="off" error={submit.fieldError('username')} />
      <Field label="E-mail" name="email" type="email" autoComplete="off" hint="Decides which projects the user may enter." error={submit.fieldError('email')} />
      <Field label="Initial password" name="password" type="password" autoComplete="new-password" hint="At least 12 characters; the user changes it on the account page." error={submit.fieldError('password')} />
      <Field label="Role" error={submit.fieldError('role')}>
        <select name="role" defaultValue="viewer">
          <option value="viewer">viewer (reads everything, changes nothing)</option>
          <option value="admin">admin</option>
        </select>
      </Field>
      <FormError message={submit.formError} />
      <div className="actions">
        <button type="submit" disabled={submit.busy}>
          Create user
        </button>
      </div>
    </form>
  );
}

/** Users and roles (admins only). */
export default function Users() {
  const me = useUser();
  const users = useResource<{ users: PanelUser[] }>('/api/users');
  const [error, setError] = useState<string | null>(null);
  const patch = async (u: PanelUser, change: Record<string, unknown>) => {
    setError(null);
    await api('PATCH', `/api/users/${u.id}`, change);
    await users.reload();
  };
  return (
    <div className="users">
      <h1>Users</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <Loadable resource={users}>
        {(d) => (
          <table className="data">
            <TableHead columns={['User', 'E-mail', 'Role', 'Two-factor', 'Last sign-in', 'State']} actions />
            <tbody>
              {d.users.map((u) => (
                <tr key={u.id} aria-label={`User ${u.username}`}>
                  <td>{u.username}</td>
                  <td>
                    <UserEmail username={u.username} email={u.email} save={(change) => patch(u, change)} />
                  </td>
                  <td>
                    <select aria-label={`Role of ${u.username}`} value={u.role} disabled={u.id === me.id} onChange={(e) => void patch(u, { role: e.target.value }).catch((x: Error) => setError(x.message))}>
                      <option value="viewer">viewer</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>{u.totpEnabled ? 'on' : 'off'}</td>
                  <td>{formatTime(u.lastLoginAt)}</td>
                  <td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td>
                    {u.id !== me.id &&
                      (u.disabled ? (
                        <button type="button" onClick={() => void patch(u, { disabled: false }).catch((x: Error) => setError(x.message))}>
                          Enable
                        </button>
                      ) : (
                        <ConfirmButton label="Disable" title={`Disable ${u.username}?`} message="The user is signed out everywhere and cannot sign in until enabled again." onConfirm={() => patch(u, { disabled: true })} />
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
      <NewUser onCreated={users.reload} />
    </div>
  );
}
