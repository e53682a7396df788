// PhotoShare's service worker: the app opens offline and shows what was seen last.
//
//   the app shell   index.html network first (the cached copy offline); the content-named wasm,
//                   js and css cache first (a name never changes its bytes). Fetched at install.
//   media           /media/{sha256} cache first (immutable by name), the most recent 400 kept:
//                   the thumbnails of the feeds viewed lately.
//   reads           the server functions and API reads that draw a page (feeds, a photo, a
//                   profile, who I am, the banner) network first; offline, the last answer to
//                   the same request, marked `x-photoshare-offline: 1` so the page says so.
//                   Forgotten at log out.
//   uploads         the offline queue (queue.js) is sent on Background Sync.
//
// The admins' bundle (/admin) and everything else go to the network untouched.
import { flush, waiting, SYNC_TAG } from '/queue.js';

const VERSION = 'v1';
const SHELL = `shell-${VERSION}`;
const MEDIA = 'media';
const READS = 'reads';
const MEDIA_KEEP = 400;
// Server functions that only read (POST, so they are cached under their body).
const READ_FNS = new Set(['me', 'photos', 'photo', 'comments', 'profile', 'users', 'trending_tags',
  'announcements', 'notifications', 'search_photos', 'search_users']);
const READ_API = ['/api/v1/announcements/current', '/api/v1/status', '/api/v1/notifications/unread'];
// The app's files whose names do not change: network first, the kept copy offline.
const SHELL_FILES = ['/queue.js', '/pwa.js', '/favicon.svg', '/manifest.webmanifest', '/icons/icon-192.png'];
const HASHED = /^\/[^/]+-[0-9a-f]{8,20}(_bg)?\.(js|css|wasm)$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const index = await fetch('/', { cache: 'no-cache' });
    if (index.ok) {
      const html = await index.clone().text();
      await cache.put('/', index);
      await cache.addAll(assetsOf(html));
      await cache.addAll(SHELL_FILES).catch(() => {});
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('shell-') && name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/// The content-named files a page of the app loads (Trunk's loader and preload links).
function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(/(?:href|src|from)\s*=?\s*["']([^"']+)["']/g)) {
    const path = m[1];
    if (HASHED.test(path)) found.add(path);
  }
  return [...found];
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (path === '/admin' || path.startsWith('/admin/')) return;
  if (req.method === 'GET' && req.mode === 'navigate') {
    event.respondWith(page(req));
  } else if (req.method === 'GET' && HASHED.test(path)) {
    event.respondWith(cacheFirst(SHELL, req));
  } else if (req.method === 'GET' && SHELL_FILES.includes(path)) {
    event.respondWith(networkFirst(req));
  } else if (req.method === 'GET' && path.startsWith('/media/')) {
    event.respondWith(media(req));
  } else if (req.method === 'GET' && READ_API.includes(path)) {
    event.respondWith(read(req, req));
  } else if (req.method === 'POST' && path.startsWith('/api/sf/')) {
    const name = path.slice('/api/sf/'.length);
    if (READ_FNS.has(name)) event.respondWith(readPost(req));
    else if (name === 'log_out') event.respondWith(logOut(req));
  }
});

/// A page of the app: the network's index.html (kept for offline), else the kept one.
async function page(req) {
  try {
    const fresh = await fetch(req);
    if (fresh.ok && (fresh.headers.get('content-type') || '').startsWith('text/html')) {
      const cache = await caches.open(SHELL);
      const html = await fresh.clone().text();
      // Every client route answers with the same index.html; keep it once, under "/".
      await cache.put('/', new Response(html, { headers: fresh.headers }));
      const missing = [];
      for (const a of assetsOf(html)) if (!(await cache.match(a))) missing.push(a);
      cache.addAll(missing).catch(() => {});
    }
    return fresh;
  } catch (e) {
    const kept = await caches.match('/', { cacheName: SHELL });
    if (kept) return kept;
    throw e;
  }
}

async function networkFirst(req) {
  const cache = await caches.open(SHELL);
  try {
    const fresh = await fetch(req);
    if (fresh.ok) await cache.put(req, fresh.clone());
    return fresh;
  } catch (e) {
    const kept = await cache.match(req);
    if (kept) return kept;
    throw e;
  }
}

async function cacheFirst(name, req) {
  const cache = await caches.open(name);
  const hit = await cache.match(req);
  if (hit) return hit;
  const fresh = await fetch(req);
  if (fresh.ok) cache.put(req, fresh.clone());
  return fresh;
}

async function media(req) {
  const cache = await caches.open(MEDIA);
  const hit = await cache.match(req);
  if (hit) return hit;
  const fresh = await fetch(req);
  if (fresh.ok && fresh.status === 200) {
    await cache.put(req, fresh.clone());
    const keys = await cache.keys();
    // Oldest first (the order they were put in): drop beyond the most recent MEDIA_KEEP.
    for (const k of keys.slice(0, Math.max(0, keys.length - MEDIA_KEEP))) await cache.delete(k);
  }
  return fresh;
}

/// Network first; offline, the kept answer to `key`, marked as such.
async function read(req, key) {
  const cache = await caches.open(READS);
  try {
    const fresh = await fetch(req);
    if (fresh.ok) await cache.put(key, fresh.clone());
    tell(false);
    return fresh;
  } catch (e) {
    tell(true);
    const kept = await cache.match(key);
    if (!kept) throw e;
    const headers = new Headers(kept.headers);
    headers.set('x-photoshare-offline', '1');
    return new Response(kept.body, { status: kept.status, headers });
  }
}

let offline = null;
/// Tells the open pages whether the server can be reached (they show an "offline" notice).
function tell(now) {
  if (now === offline) return;
  offline = now;
  self.clients.matchAll().then((all) => all.forEach((c) => c.postMessage({ offline: now })));
}

/// A server function that reads: kept under a GET key made of its name and its JSON body.
async function readPost(req) {
  const body = await req.clone().text();
  const key = new Request(`${req.url}?body=${encodeURIComponent(body)}`);
  return read(req, key);
}

/// Logging out forgets what this browser kept of the account.
async function logOut(req) {
  const answer = await fetch(req);
  await caches.delete(READS);
  return answer;
}

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) {
    // Rejecting asks the browser to try again later.
    event.waitUntil(flush().then(async () => {
      if ((await waiting()) > 0) throw new Error('uploads still waiting');
    }));
  }
});
