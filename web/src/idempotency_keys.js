// Idempotency keys for writes over a bad connection (docs/api.md: a retry with the same key and
// body gets the first answer again and writes nothing). A key is made once per write and kept
// in sessionStorage, so a retry, even after a reload of the page, sends the same key until the
// server answers; then it is dropped, and the next write gets a new one. A changed body is
// another write and gets another key (the server would refuse the old key with it: 422).
import {ApiError} from './api_client.js';

const PREFIX = 'sasaran.idempotency.';

function newKey() {
  // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function read(scope) {
  try {
    return JSON.parse(sessionStorage.getItem(PREFIX + scope) ?? 'null');
  } catch {
    return null;
  }
}

/** The key of the pending write `scope` with `body`, made and kept if there is none. */
export function keyFor(scope, body) {
  const text = JSON.stringify(body);
  const kept = read(scope);
  if (kept && kept.body === text) return kept.key;
  const key = newKey();
  sessionStorage.setItem(PREFIX + scope, JSON.stringify({key, body: text}));
  return key;
}

/** The key still waiting for an answer for `scope`, or null. */
export function pendingKey(scope) {
  return read(scope)?.key ?? null;
}

export function settle(scope) {
  sessionStorage.removeItem(PREFIX + scope);
}

/**
 * POSTs `body` to `path` with the kept key of `scope`. The key is dropped once the server has
 * answered with a decision (2xx or 4xx); after no answer, or a 5xx, it stays for the retry.
 */
export async function postOnce(api, scope, path, body) {
  const key = keyFor(scope, body);
  try {
    const answer = await api.post(path, body, {headers: {'Idempotency-Key': key}});
    settle(scope);
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) settle(scope);
    throw error;
  }
}
