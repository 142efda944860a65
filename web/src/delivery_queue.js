// Writes recorded without a connection (a delivery, a household's location): kept in IndexedDB
// with their Idempotency-Key and body until the server answers, and sent again when the
// connection returns (the page's `online` event, and at page load). Each entry keeps the key it
// was queued with, so a resend after a lost answer is replayed by the server (docs/api.md,
// Idempotency-Key) instead of writing twice: every entry lands exactly once.
import {ApiError} from './api_client.js';

const DB_NAME = 'sasaran-offline';
const STORE = 'queue';

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: 'key'});
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/**
 * The queue. An entry: {key, kind ('delivery' | 'location'), subject (pledge or target id),
 * scope (its idempotency_keys scope), path, body, queued_at}.
 */
export function createQueue() {
  let sending = null;

  const queue = {
    async add(entry) {
      await run('readwrite', (store) => store.put({...entry, queued_at: new Date().toISOString()}));
    },
    async all() {
      try {
        const entries = await run('readonly', (store) => store.getAll());
        return entries.sort((a, b) => a.queued_at.localeCompare(b.queued_at));
      } catch {
        return [];  // no IndexedDB (private mode): nothing queued
      }
    },
    async remove(key) {
      await run('readwrite', (store) => store.delete(key));
    },
    async clear() {
      try {
        await run('readwrite', (store) => store.clear());
      } catch {
        // nothing was stored
      }
    },

    /**
     * Sends every entry, oldest first, each with its own key; `onAnswer(entry, answer | error)`
     * after each decision. An entry the server decided on (2xx or 4xx) leaves the queue; no
     * answer or a 5xx stops the run and keeps it and those after it. One run at a time.
     */
    flush(api, onAnswer) {
      if (sending) return sending;
      sending = (async () => {
        let sent = 0;
        for (const entry of await queue.all()) {
          try {
            const answer = await api.post(entry.path, entry.body, {headers: {'Idempotency-Key': entry.key}});
            await queue.remove(entry.key);
            sent++;
            onAnswer(entry, answer, null);
          } catch (error) {
            if (!(error instanceof ApiError) || error.status >= 500) break;
            await queue.remove(entry.key);
            onAnswer(entry, null, error);
          }
        }
        return sent;
      })().finally(() => { sending = null; });
      return sending;
    },
  };
  return queue;
}
