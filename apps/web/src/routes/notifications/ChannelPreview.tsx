import { useState } from 'react';
import { api, errorMessage } from '../../api/client.js';

/** What the api renders for a channel (the notifications package's RenderedMessage). */
export type RenderedMessage =
  | { readonly type: 'webhook'; readonly body: string }
  | { readonly type: 'email'; readonly subject: string; readonly text: string; readonly html: string }
  | { readonly type: 'telegram'; readonly text: string }
  | { readonly type: 'browser_push'; readonly payload: string };

const pretty = (json: string) => {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
};

/** The message as plain text to show: JSON indented, an e-mail's subject above its text body. */
export function previewText(message: RenderedMessage): string {
  switch (message.type) {
    case 'webhook':
      return pretty(message.body);
    case 'email':
      return `Subject: ${message.subject}\n\n${message.text}`;
    case 'telegram':
      return message.text;
    case 'browser_push':
      return pretty(message.payload);
  }
}

/** "Preview": what the channel would send for a sample WAF block, shown as text (never as HTML). */
export function ChannelPreview({ channelId, channelName }: { channelId: number; channelName: string }) {
  const [shown, setShown] = useState<{ text: string; failed: boolean } | null>(null);
  const toggle = async () => {
    if (shown !== null) return setShown(null);
    try {
      setShown({ text: previewText(await api<RenderedMessage>('GET', `/api/notifications/channels/${channelId}/preview`)), failed: false });
    } catch (e) {
      setShown({ text: `Preview failed: ${errorMessage(e)}`, failed: true });
    }
  };
  return (
    <>
      <button type="button" aria-expanded={shown !== null} onClick={() => void toggle()}>
        {shown === null ? 'Preview' : 'Hide preview'}
      </button>
      {shown !== null &&
        (shown.failed ? (
          <p className="error">{shown.text}</p>
        ) : (
          <figure className="channel-preview">
            <figcaption className="hint">What {channelName} sends for a sample critical WAF block:</figcaption>
            <pre aria-label={`Preview of ${channelName}`}>{shown.text}</pre>
          </figure>
        ))}
    </>
  );
}
