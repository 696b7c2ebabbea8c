/* global self */
// Panoptes browser push: shows what the server sends ({ title, body, type, severity }) and opens the panel on click.
self.addEventListener('push', (event) => {
  let data = { title: 'Panoptes', body: '' };
  try {
    data = { ...data, ...event.data.json() };
  } catch {
    data.body = event.data ? event.data.text() : '';
  }
  event.waitUntil(self.registration.showNotification(String(data.title), { body: String(data.body), tag: data.type, data: { url: '/notifications' } }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data?.url ?? '/'));
});
