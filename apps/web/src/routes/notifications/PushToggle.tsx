import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client.js';
import { pushUnsupported, vapidKeyBytes } from './push.js';

const BLOCKED = 'Notifications are blocked for this site: allow them in the browser’s site settings, then try again.';

/** Turns browser push on or off for this browser (the subscription is stored for the signed-in user). */
export function PushToggle() {
  const unsupported = pushUnsupported(window as unknown as Parameters<typeof pushUnsupported>[0]);
  const [subscription, setSubscription] = useState<PushSubscription | null>(null);
  const [message, setMessage] = useState<string | null>(unsupported ?? (typeof Notification !== 'undefined' && Notification.permission === 'denied' ? BLOCKED : null));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (unsupported) return;
    void navigator.serviceWorker
      .getRegistration('/')
      .then((r) => r?.pushManager.getSubscription())
      .then((s) => setSubscription(s ?? null))
      .catch(() => setSubscription(null));
  }, [unsupported]);
  const enable = async () => {
    setBusy(true);
    setMessage(null);
    let created: PushSubscription | null = null;
    try {
      const permission = await Notification.requestPermission();
      if (permission === 'denied') throw new Error(BLOCKED);
      if (permission !== 'granted') throw new Error('the permission prompt was dismissed: click again and choose Allow.');
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const { publicKey } = await api<{ publicKey: string }>('GET', '/api/notifications/push/vapid-public-key');
      created = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidKeyBytes(publicKey) });
      const json = created.toJSON();
      await api('POST', '/api/notifications/push/subscriptions', { endpoint: json.endpoint, keys: json.keys });
      setSubscription(created);
      setMessage('Push is on for this browser.');
    } catch (e) {
      // A subscription the server does not know would never receive anything: drop it.
      await created?.unsubscribe().catch(() => false);
      setMessage(`Push could not be turned on: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const disable = async () => {
    if (subscription === null) return;
    setBusy(true);
    try {
      await api('DELETE', '/api/notifications/push/subscriptions', { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
      setSubscription(null);
      setMessage('Push is off for this browser.');
    } catch (e) {
      setMessage(`Push could not be turned off: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Browser push" className="card">
      <h2>Browser push</h2>
      <p>Browser push channels send to every browser turned on here (for your user).</p>
      {subscription ? (
        <button type="button" disabled={busy} onClick={() => void disable()}>
          Turn off push in this browser
        </button>
      ) : (
        <button type="button" disabled={busy || unsupported !== null} onClick={() => void enable()}>
          Turn on push in this browser
        </button>
      )}
      {message && (
        <p role="status" className="push-state">
          {message}
        </p>
      )}
    </section>
  );
}
