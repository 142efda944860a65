// A PIC's offline copy ("Simpan untuk luar jaringan"): the page's files and what the API gave
// this PIC with their token for their work (GET /api/v1/me, their areas, the households and
// pledges of each area, the TileJSON and the vector tiles over each area's box at the zooms of a
// walk), fetched once by the page and stored with the Cache API; service_worker.js answers
// from it when the network does not. The copy records who it is for (a SHA-256 of the token: the
// worker gives it only to requests with that token) and when it expires (24 h after it was made,
// or the session's end if sooner); it is deleted on expiry and on sign-out. docs/privacy.md,
// "Offline copy". No import here beyond the platform: the service worker shares this module.

export const CACHE_NAME = 'sasaran-offline-v1';
/** The copy's description, stored in the cache under this name beside the page (never served). */
export const META_NAME = 'offline-meta.json';
export const WORKER_NAME = 'service_worker.js';
export const TTL_MS = 24 * 60 * 60 * 1000;
/** The page's own files (as web/build.mjs writes them); '' is the page itself. */
export const ASSETS = ['', 'index.html', 'app.js', 'app.css', 'maplibre-gl.css', 'maplibre-gl-worker.mjs'];
/**
 * Zooms of the tiles kept: 12 and 13 to find one's way back to the area, 14 to 16 for the walk
 * (the map's source stops at 16 and MapLibre scales z16 tiles above it).
 */
export const TILE_ZOOMS = [12, 13, 14, 15, 16];
/** A bound on the tiles of one copy (a kelurahan needs a few dozen; a whole kota would not fit). */
export const MAX_TILES = 400;

/**
 * Paths (relative to the page's folder) that hold what only the token's holder may see: the API,
 * the tiles and the OGC API, but not the TileJSON (centre and bounds of Jakarta, the same for
 * everyone; the page's head asks for it without a token).
 */
export function isPrivatePath(relative) {
  return /^(api|tiles|ogc)\//.test(relative) && !/^tiles\/[^/]+\.json$/.test(relative);
}

/** SHA-256 (hex) of a bearer token; '' for none. */
export async function tokenHash(token) {
  if (!token) return '';
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bearer token of an Authorization header value, or ''. */
export function bearerOf(header) {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1] : '';
}

/** The XYZ tiles covering `bbox` ([w, s, e, n] in degrees) at zoom `z`. */
export function tilesOver([w, s, e, n], z) {
  const count = 2 ** z;
  const clamp = (v) => Math.min(count - 1, Math.max(0, v));
  const x = (lon) => clamp(Math.floor(((lon + 180) / 360) * count));
  const y = (lat) => {
    const r = (lat * Math.PI) / 180;
    return clamp(Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * count));
  };
  const tiles = [];
  for (let tx = x(w); tx <= x(e); tx++)
    for (let ty = y(n); ty <= y(s); ty++) tiles.push({z, x: tx, y: ty});
  return tiles;
}

/** The tiles of every box at TILE_ZOOMS, each once, as 'z/x/y'; null when over MAX_TILES. */
export function scopeTiles(bboxes) {
  const seen = new Set();
  for (const z of TILE_ZOOMS)
    for (const bbox of bboxes) for (const tile of tilesOver(bbox, z)) seen.add(`${tile.z}/${tile.x}/${tile.y}`);
  return seen.size > MAX_TILES ? null : [...seen];
}

async function openCache() {
  return caches.open(CACHE_NAME);
}

/**
 * The copy's description ({saved_at, expires_at, token_hash, files, bytes, bytes_by_kind: {page,
 * data, tiles}, tiles, areas}), or null.
 */
export async function readMeta(base) {
  if (typeof caches === 'undefined' || !(await caches.has(CACHE_NAME))) return null;
  const cache = await openCache();
  const stored = await cache.match(new URL(META_NAME, base).href);
  if (!stored) return null;
  try {
    return await stored.json();
  } catch {
    return null;
  }
}

export function isExpired(meta, now = Date.now()) {
  return !meta || !(Date.parse(meta.expires_at) > now);
}

/** Deletes the copy and the worker that serves it. */
export async function deleteCopy(base) {
  if (typeof caches !== 'undefined') await caches.delete(CACHE_NAME);
  if (typeof navigator !== 'undefined' && navigator.serviceWorker) {
    const registration = await navigator.serviceWorker.getRegistration(base);
    if (registration) await registration.unregister();
  }
}

/**
 * Makes the copy: registers the worker, fetches every URL of `requests` ({url, auth}: with the
 * token or not), four at a time, and stores each answer. `onProgress(done, total)` after each.
 * Fails (and stores nothing) when one of them fails. Returns the description.
 */
export async function saveCopy({base, token, requests, areas, tiles, sessionExpiresAt, onProgress = () => {}}) {
  if (!('serviceWorker' in navigator) || typeof caches === 'undefined')
    throw new Error('offline copy unavailable: this browser has no service worker (it needs https or localhost)');
  await navigator.serviceWorker.register(new URL(WORKER_NAME, base).href, {scope: base});
  const bodies = [];
  let done = 0;
  let bytes = 0;
  const byKind = {page: 0, data: 0, tiles: 0};
  const queue = [...requests];
  async function worker() {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const headers = next.auth ? {Authorization: `Bearer ${token}`} : {};
      const request = new Request(next.url, {headers, cache: 'no-store'});
      const response = await fetch(request);
      if (!response.ok && response.status !== 204)
        throw new Error(`HTTP ${response.status} for ${new URL(next.url).pathname}`);
      const body = await response.arrayBuffer();
      bytes += body.byteLength;
      const kind = !next.auth ? 'page' : /\/tiles\/.*\.mvt$/.test(new URL(next.url).pathname) ? 'tiles' : 'data';
      byKind[kind] += body.byteLength;
      bodies.push({request, body, status: response.status, headers: response.headers});
      onProgress(++done, requests.length);
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);

  const now = Date.now();
  let expires = now + TTL_MS;
  const sessionEnd = Date.parse(sessionExpiresAt ?? '');
  if (sessionEnd > now) expires = Math.min(expires, sessionEnd);
  const meta = {
    saved_at: new Date(now).toISOString(),
    expires_at: new Date(expires).toISOString(),
    token_hash: await tokenHash(token),
    files: bodies.length,
    bytes,
    bytes_by_kind: byKind,
    tiles,
    areas: areas.map((a) => a.code),
  };
  await caches.delete(CACHE_NAME);
  const cache = await openCache();
  for (const {request, body, status, headers} of bodies) {
    // The body as the browser decoded it: the stored headers must not claim gzip any more.
    const kept = new Headers(headers);
    kept.delete('Content-Encoding');
    kept.delete('Content-Length');
    await cache.put(request, new Response(status === 204 ? null : body, {status, headers: kept}));
  }
  await cache.put(new URL(META_NAME, base).href,
    new Response(JSON.stringify(meta), {headers: {'Content-Type': 'application/json'}}));
  return meta;
}
