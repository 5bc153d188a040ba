// The top bar's unread count, read again when a screen marks notifications read (a window event,
// so the bell and the list need no shared state).
const CHANGED = 'steward:notifications-read';

export const announceNotificationsRead = () => window.dispatchEvent(new Event(CHANGED));

export function onNotificationsRead(handler: () => void): () => void {
  window.addEventListener(CHANGED, handler);
  return () => window.removeEventListener(CHANGED, handler);
}
