import { useState } from 'react';
import { api, errorMessage } from '../../api/client.js';
import { ConfirmButton, Loadable, type Resource } from '../../components/kit.js';
import { useUser } from '../../components/session.js';
import { TYPE_LABELS, type Channel } from './channel-form.js';
import { ChannelForm } from './ChannelForm.js';
import { ChannelPreview } from './ChannelPreview.js';

type Outcome = { readonly ok: boolean; readonly text: string };

/** Channels with their forms, test-send and its outcome. */
export function Channels({ channels, onChange }: { channels: Resource<{ channels: Channel[] }>; onChange: () => Promise<void> }) {
  const admin = useUser().role === 'admin';
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [outcomes, setOutcomes] = useState<Record<number, Outcome>>({});
  const [testing, setTesting] = useState<number | null>(null);
  const save = (channel: Channel | null) => async (body: Record<string, unknown>) => {
    if (channel === null) await api('POST', '/api/notifications/channels', body);
    else await api('PUT', `/api/notifications/channels/${channel.id}`, body);
    setEditing(null);
    await onChange();
  };
  const test = async (c: Channel) => {
    setTesting(c.id);
    setOutcomes(({ [c.id]: _previous, ...others }) => others);
    try {
      const result = await api<{ status: string; error: string | null }>('POST', `/api/notifications/channels/${c.id}/test`);
      setOutcomes((o) => ({ ...o, [c.id]: result.status === 'sent' ? { ok: true, text: 'Test message sent.' } : { ok: false, text: `Test failed: ${result.error ?? result.status}` } }));
    } catch (e) {
      setOutcomes((o) => ({ ...o, [c.id]: { ok: false, text: `Test failed: ${errorMessage(e)}` } }));
    } finally {
      setTesting(null);
      await onChange();
    }
  };
  return (
    <section aria-label="Channels">
      <h2>Channels</h2>
      <Loadable resource={channels} isEmpty={(d) => d.channels.length === 0} empty="No channels yet: add one to be notified.">
        {(d) => (
          <ul className="channels">
            {d.channels.map((c) =>
              editing === c.id ? (
                <li key={c.id}>
                  <ChannelForm channel={c} onSubmit={save(c)} onCancel={() => setEditing(null)} />
                </li>
              ) : (
                <li key={c.id} className="card" aria-label={`Channel ${c.name}`}>
                  <strong>{c.name}</strong> <span className="hint">{TYPE_LABELS[c.type]}</span> {!c.enabled && <span className="hint">(disabled)</span>}
                  {typeof c.config.url === 'string' && <div className="hint">{c.config.url}</div>}
                  <div className="row-actions">
                    <ChannelPreview channelId={c.id} channelName={c.name} />
                    {admin && (
                      <>
                        <button type="button" disabled={testing === c.id} onClick={() => void test(c)}>
                          {testing === c.id ? 'Sending…' : 'Send test'}
                        </button>
                        <button type="button" onClick={() => setEditing(c.id)}>
                          Edit
                        </button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete the channel ${c.name}?`}
                          message="Rules that use it are deleted with it; its delivery history stays."
                          onConfirm={async () => {
                            await api('DELETE', `/api/notifications/channels/${c.id}`);
                            await onChange();
                          }}
                        />
                      </>
                    )}
                  </div>
                  {outcomes[c.id] && (
                    <p role="status" className={outcomes[c.id]!.ok ? 'ok' : 'error'}>
                      {outcomes[c.id]!.text}
                    </p>
                  )}
                </li>
              ),
            )}
          </ul>
        )}
      </Loadable>
      {!admin ? null : editing === 'new' ? (
        <ChannelForm channel={null} onSubmit={save(null)} onCancel={() => setEditing(null)} />
      ) : (
        <button type="button" onClick={() => setEditing('new')}>
          New channel
        </button>
      )}
    </section>
  );
}
