import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client.js';
import { pushUnsupported, vapidKeyBytes } from './push.js';

/** Turns browser push on or off for this browser (the subscription is stored for the signed-in user). */
export function PushToggle() {
  const unsupported = pushUnsupported(window as unknown as Parameters<typeof pushUnsupported>[0]);
  const [subscription, setSubscription] = useState<PushSubscription | null>(null);
  const [message, setMessage] = useState<string | null>(unsupported);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (unsupported) return;
    void navigator.serviceWorker.getRegistration('/').then((r) => r?.pushManager.getSubscription()).then((s) => setSubscription(s ?? null));
  }, [unsupported]);
  const enable = async () => {
    setBusy(true);
    setMessage(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted') throw new Error('Notifications are blocked for this site: allow them in the browser settings.');
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const { publicKey } = await api<{ publicKey: string }>('GET', '/api/notifications/push/vapid-public-key');
      const sub = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapidKeyBytes(publicKey) });
      const json = sub.toJSON();
      await api('POST', '/api/notifications/push/subscriptions', { endpoint: json.endpoint, keys: json.keys });
      setSubscription(sub);
      setMessage('Push is on for this browser.');
    } catch (e) {
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
      setMessage(errorMessage(e));
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
      {message && <p role="status">{message}</p>}
    </section>
  );
}
