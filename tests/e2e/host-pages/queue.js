// The host page's own script, run before widget.js: everything through the command queue, as a
// site would before the loader is there. `?open=1` also queues opening the panel.
window.sbEvents = { unread: [], message: [], visitor: [], event: [] };
window.Switchboard = window.Switchboard || [];
const queue = window.Switchboard;
queue.push([
  'identify',
  { name: 'Queued Visitor', email: 'queued@example.com', attributes: { plan: 'pro' } },
]);
queue.push([
  'on',
  'unread',
  (count) => window.sbEvents.unread.push({ count, sockets: window.sbSocketsOpened ?? null }),
]);
queue.push(['on', 'message', (message) => window.sbEvents.message.push(message)]);
queue.push(['on', 'visitor', (id) => window.sbEvents.visitor.push(id)]);
queue.push(['on', 'event', (event) => window.sbEvents.event.push(event)]);
if (new URLSearchParams(location.search).has('open')) queue.push(['open']);
