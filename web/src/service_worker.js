// The page's service worker (dist/service_worker.js, registered by offline_store.js only when a
// PIC saves an offline copy). For GETs under the page's folder it asks the network first and
// falls back to the offline copy when the network fails (or has not answered within a few
// seconds and a copy is there); a tile of the map outside the copy then answers 204 (an empty
// tile) rather than an error. A private answer (api/, tiles/, ogc/) is given from the copy only to
// a request carrying the token the copy was made with. A fresh answer to a URL of the copy
// refreshes it. An expired copy is deleted at its first use. Writes (POST) are never touched:
// the page queues them itself (delivery_queue.js).
import {bearerOf, CACHE_NAME, isExpired, isPrivatePath, META_NAME, tokenHash} from './offline_store.js';

const NETWORK_WAIT_MS = 6000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// The copy and its description, read at each request (they change when the page saves a new
// copy or signs out); null when there is none, while one is being written, or when it expired.
async function currentCopy(scope) {
  if (!(await caches.has(CACHE_NAME))) return null;
  const cache = await caches.open(CACHE_NAME);
  const stored = await cache.match(new URL(META_NAME, scope).href);
  const meta = stored ? await stored.json().catch(() => null) : null;
  if (!meta) return null;  // being written: the description is stored last
  if (isExpired(meta)) {
    await caches.delete(CACHE_NAME);
    return null;
  }
  return {cache, meta};
}

/** The network's answer, or a rejection after `ms` (null: wait as long as it takes). */
function networkWithin(request, ms) {
  const answer = fetch(request);
  if (ms === null) return answer;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer in time')), ms);
    answer.then((r) => { clearTimeout(timer); resolve(r); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function answer(request, relative) {
  const scope = self.registration.scope;
  const copy = await currentCopy(scope);
  if (!copy) return fetch(request);
  const privateAnswer = isPrivatePath(relative);
  if (privateAnswer && (await tokenHash(bearerOf(request.headers.get('Authorization')))) !== copy.meta.token_hash)
    return fetch(request);
  const key = request.mode === 'navigate' ? scope : request;
  const cached = await copy.cache.match(key, {ignoreVary: true});
  try {
    const fresh = await networkWithin(request, cached ? NETWORK_WAIT_MS : null);
    if (cached && fresh.status === 200) await copy.cache.put(key, fresh.clone()).catch(() => {});
    return fresh;
  } catch (error) {
    if (cached) return cached;
    if (relative.startsWith('tiles/') && /\.mvt(\?|$)/.test(relative)) return new Response(null, {status: 204});
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const scope = self.registration.scope;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  const relative = request.url.slice(scope.length);
  if (relative === META_NAME) return;
  event.respondWith(answer(request, relative));
});
