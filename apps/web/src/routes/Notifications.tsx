import { useState } from 'react';
import { useResource } from '../components/kit.js';
import type { Channel } from './notifications/channel-form.js';
import { Channels } from './notifications/Channels.js';
import { Deliveries } from './notifications/Deliveries.js';
import type { EventInfo } from './notifications/events.js';
import { PushToggle } from './notifications/PushToggle.js';
import { Rules } from './notifications/Rules.js';
import './notifications/notifications.css';

/** Notification channels, the rules that feed them, the delivery ledger and browser push. */
export default function Notifications() {
  const channels = useResource<{ channels: Channel[] }>('/api/notifications/channels');
  const events = useResource<{ events: EventInfo[] }>('/api/notifications/events');
  const [version, setVersion] = useState(0);
  const changed = async () => {
    await channels.reload();
    setVersion((v) => v + 1);
  };
  const list = channels.data?.channels ?? [];
  const catalog = events.data?.events ?? [];
  return (
    <div className="notifications">
      <h1>Notifications</h1>
      <Channels channels={channels} onChange={changed} />
      <Rules channels={list} events={catalog} />
      <Deliveries channels={list} events={catalog} version={version} />
      <PushToggle />
    </div>
  );
}
