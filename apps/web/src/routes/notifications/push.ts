/** The VAPID public key (base64url) as the bytes PushManager.subscribe wants. */
export function vapidKeyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Why this browser cannot take push notifications, or null when it can. */
export function pushUnsupported(win: { isSecureContext: boolean; navigator: Navigator; PushManager?: unknown; Notification?: unknown }): string | null {
  if (!win.isSecureContext) return 'Push needs the panel on HTTPS (or localhost).';
  if (!('serviceWorker' in win.navigator) || win.PushManager === undefined || win.Notification === undefined) return 'This browser does not support push notifications.';
  return null;
}
