// The web app's side of the service worker (/sw.js): registers it, tells the app when it is
// offline (the browser says so, or the worker answered from what it kept because the server
// could not be reached), and sends the offline upload queue (/queue.js) when the connection
// returns and whenever the app opens online. Imported by the wasm app (wasm-bindgen raw_module).
import { flush } from '/queue.js';

let offline = !navigator.onLine;

/// Starts it all; `onStatus(offline)` is called now and whenever that changes.
export function start(onStatus) {
  const say = (now) => {
    if (now === offline) return;
    offline = now;
    onStatus(now);
  };
  onStatus(offline);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch((e) => {
      console.warn('PhotoShare works without its service worker here:', e);
    });
    navigator.serviceWorker.addEventListener('message', (e) => {
      if (e.data && typeof e.data.offline === 'boolean') say(e.data.offline && true);
    });
  }
  addEventListener('offline', () => say(true));
  addEventListener('online', () => {
    say(false);
    flush().catch(() => {});
  });
  if (navigator.onLine) flush().catch(() => {});
}
