import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import { ConfirmButton, Field, formatTime, FormError, formValues, Loadable, TableHead, useResource, useSubmit } from '../components/kit.js';
import { useUser } from '../components/session.js';
import './admin.css';

interface Token {
  readonly id: number;
  readonly name: string;
  readonly created_at: number;
  readonly last_used_at: number | null;
  readonly expires_at: number | null;
  readonly revoked_at: number | null;
}

/** A just-created token: shown this once, with a copy button (or selected for copying by hand where the clipboard is closed, e.g. plain http). */
export function OneTimeToken({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copy, setCopy] = useState<'idle' | 'copied' | 'by-hand'>('idle');
  const value = useRef<HTMLElement>(null);
  const copyToken = async () => {
    try {
      if (navigator.clipboard === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(token);
      setCopy('copied');
    } catch {
      if (value.current !== null) window.getSelection()?.selectAllChildren(value.current);
      setCopy('by-hand');
    }
  };
  return (
    <div className="card one-time-token" role="region" aria-label="Token just created">
      <p className="warning" role="alert">
        Copy the token for <strong>{name}</strong> now: it is shown only this once.
      </p>
      <code ref={value} className="secret" aria-label="Token value">
        {token}
      </code>
      <p role="status" className="hint">
        {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'by-hand' ? 'This browser does not allow copying here: the token is selected, press Ctrl+C (⌘C).' : ''}
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copyToken()}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}

/** API tokens of the current project, for ingest agents (`Authorization: Bearer …`). */
export default function Tokens() {
  const admin = useUser().role === 'admin';
  const tokens = useResource<{ tokens: Token[] }>('/api/tokens');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useSubmit(async (v: Record<string, string>) => {
    const days = (v.expiresInDays ?? '').trim();
    const answer = await api<{ token: string; name: string }>('POST', '/api/tokens', { name: (v.name ?? '').trim(), ...(days === '' ? {} : { expiresInDays: Number(days) }) });
    setCreated({ name: answer.name, token: answer.token });
    await tokens.reload();
  });
  const state = (t: Token) => (t.revoked_at ? `revoked ${formatTime(t.revoked_at)}` : t.expires_at !== null && t.expires_at < Date.now() ? 'expired' : 'active');
  return (
    <div className="tokens">
      <h1>API tokens</h1>
      <p className="hint">Agents send logs to <code>POST /api/ingest/&lt;source&gt;</code> with one of these as a Bearer token. Tokens belong to the current project.</p>
      {created && <OneTimeToken name={created.name} token={created.token} onDone={() => setCreated(null)} />}
      <Loadable resource={tokens} isEmpty={(d) => d.tokens.length === 0} empty="No tokens in this project.">
        {(d) => (
          <table className="data">
            <TableHead columns={['Name', 'Created', 'Last used', 'Expires', 'State']} actions />
            <tbody>
              {d.tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{formatTime(t.created_at)}</td>
                  <td>{t.last_used_at ? formatTime(t.last_used_at) : 'never'}</td>
                  <td>{t.expires_at ? formatTime(t.expires_at) : 'never'}</td>
                  <td>{state(t)}</td>
                  <td>
                    {admin && !t.revoked_at && (
                      <ConfirmButton
                        label="Revoke"
                        title={`Revoke the token ${t.name}?`}
                        message="Agents using it are refused from now on; this cannot be undone."
                        onConfirm={async () => {
                          await api('DELETE', `/api/tokens/${t.id}`);
                          await tokens.reload();
                        }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loadable>
      {admin && (
        <form
          className="stack card"
          aria-label="New token"
          noValidate
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            const form = e.currentTarget;
            void create.run(formValues(e)).then((ok) => ok && form.reset());
          }}
        >
          <h2>New token</h2>
          <Field label="Token name" name="name" placeholder="edge-01 caddy" error={create.fieldError('name')} />
          <Field label="Expires after (days)" name="expiresInDays" inputMode="numeric" hint="Empty: never expires." error={create.fieldError('expiresInDays')} />
          <FormError message={create.formError} />
          <div className="actions">
            <button type="submit" disabled={create.busy}>
              Create token
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
