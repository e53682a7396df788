// The offline upload queue — write-behind on the phone. A photo posted while offline (or while
// the server is unreachable) is kept in IndexedDB with its caption, alt text and an idempotency
// key, and sent when the connection returns: by the service worker on Background Sync where the
// browser has it, else by the page when it is next open and online. The server honours the key
// (`Idempotency-Key` on POST /api/v1/photos), so however often an item is sent — by a page and
// the worker at once, or again after an answer was lost — it becomes one photo.
//
// One module for both: the web app imports it (wasm-bindgen `raw_module`), and so does the
// service worker (/sw.js). Pages hear of changes on the BroadcastChannel "photoshare-queue".

const DB = 'photoshare';
const STORE = 'uploads';
const TAG = 'photoshare-upload';
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('photoshare-queue') : null;

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

const listeners = [];
/// Tells this context's listeners and every other tab's (the channel skips its sender).
function changed() {
  for (const f of listeners) f();
  if (channel) channel.postMessage({ changed: true });
}

/// A new key for one photo the user means to post.
export function newKey() {
  return crypto.randomUUID();
}

/// Keeps an upload to send later: `owner` is the handle of the user who posted it (it is sent
/// only while they are signed in), `key` its idempotency key.
export async function enqueue(key, owner, file, caption, alt, visibility) {
  const item = {
    key, owner, caption, alt, visibility,
    // A Blob of the bytes: the File from an <input> may not outlive the page.
    image: new Blob([await file.arrayBuffer()], { type: file.type }),
    name: file.name || 'photo.jpg',
    queuedAt: Date.now(),
    error: null,
  };
  await tx('readwrite', (s) => s.put(item));
  changed();
  await askForSync();
}

/// What waits, oldest first: [{key, owner, caption, alt, visibility, queuedAt, error, url}],
/// `url` an object URL of the image for a preview.
export async function list() {
  const items = (await tx('readonly', (s) => s.getAll())) || [];
  items.sort((a, b) => a.queuedAt - b.queuedAt);
  return items.map(({ image, ...rest }) => ({ ...rest, url: URL.createObjectURL(image) }));
}

/// How many items wait to be sent (not those the server refused).
export async function waiting() {
  const items = (await tx('readonly', (s) => s.getAll())) || [];
  return items.filter((i) => !i.error).length;
}

/// Forgets an item (the user gave up on it).
export async function discard(key) {
  await tx('readwrite', (s) => s.delete(key));
  changed();
}

async function askForSync() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    if (reg && 'sync' in reg) await reg.sync.register(TAG);
  } catch {
    // No Background Sync (or not allowed): the page sends when it is next open and online.
  }
}

let flushing = null;

/// Sends what waits, oldest first, until the queue is empty or the server cannot be reached.
/// An item the server refuses for good (a 4xx other than 401, 408 and 429: a damaged file, a
/// caption too long) stays, marked with the server's problem, for the user to see and discard.
/// Resolves to the number of photos sent.
export function flush() {
  // One flush at a time in this context; another context's copy is harmless (the key).
  flushing ??= run().finally(() => { flushing = null; });
  return flushing;
}

async function run() {
  let sent = 0;
  const items = ((await tx('readonly', (s) => s.getAll())) || []).sort((a, b) => a.queuedAt - b.queuedAt);
  if (items.length === 0) return 0;
  let me;
  try {
    const r = await fetch('/api/v1/me', { credentials: 'same-origin', cache: 'no-store' });
    if (!r.ok) return 0; // signed out: wait until the owner signs in again
    me = (await r.json()).handle;
  } catch {
    return 0; // unreachable
  }
  for (const item of items) {
    if (item.owner !== me || item.error) continue;
    const form = new FormData();
    form.append('caption', item.caption);
    form.append('alt', item.alt);
    form.append('visibility', item.visibility);
    form.append('image', item.image, item.name);
    let r;
    try {
      r = await fetch('/api/v1/photos', {
        method: 'POST',
        body: form,
        credentials: 'same-origin',
        headers: { 'Idempotency-Key': item.key },
      });
    } catch {
      break; // unreachable again: the rest waits too
    }
    if (r.ok) {
      await tx('readwrite', (s) => s.delete(item.key));
      sent++;
      changed();
      continue;
    }
    if (r.status >= 500 || [401, 408, 429].includes(r.status)) break;
    let problem;
    try { problem = await r.json(); } catch { problem = { code: 'internal' }; }
    await tx('readwrite', (s) => s.put({ ...item, error: problem }));
    changed();
  }
  return sent;
}

/// Calls `f` whenever the queue changes (in any tab or in the worker).
export function onChange(f) {
  listeners.push(f);
  if (channel) channel.addEventListener('message', () => f());
}

export const SYNC_TAG = TAG;
