// The PIC's queue of writes made without a connection, on the page: "N catatan tersimpan,
// menunggu sinyal" with its items, and under it the queued writes the server refused, with the
// reason. It sends the queue (delivery_queue.js) at sign-in, at the `online` event and, while the
// device says it is online, again after 3 s, then twice as long each time up to a minute (a weak
// signal does not always say it is gone).
import {createQueue} from './delivery_queue.js';
import {clearChildren, el} from './dom.js';
import {formatNumber, t} from './i18n.js';
import {settle} from './idempotency_keys.js';

const RETRY_FIRST_MS = 3000;
const RETRY_MAX_MS = 60000;
// How long a sign-out waits for the queue to be sent before it deletes it.
const FORGET_WAIT_MS = 5000;
const KNOWN_REFUSALS = ['pledge-cancelled', 'pledge-delivered', 'target-already-located', 'location-outside-area',
  'not-found', 'forbidden'];

// Why the server refused a queued write, in the page's language when its problem type is known.
function refusalReason(error) {
  const type = String(error.problem?.type ?? '').replace('urn:sasaran:problem:', '');
  if (KNOWN_REFUSALS.includes(type)) return t(`queue.refused.${type}`);
  return t('queue.refused.status', {status: error.status, detail: error.message});
}

/**
 * `box` is the [data-testid=delivery-queue] element; `onChange(entries)` after the queue
 * changed; `onSent()` after the server took some of it.
 */
export function createQueueBox({box, api, messages, onChange, onSent}) {
  const queue = createQueue();
  let active = false;
  let entries = [];
  let refused = [];  // {kind, subject, reason}
  let retryTimer = null;
  let retryDelay = RETRY_FIRST_MS;

  function render() {
    clearChildren(box);
    box.hidden = !active || (!entries.length && !refused.length);
    box.dataset.count = String(entries.length);
    if (entries.length)
      box.append(el('p', {class: 'queue-title'}, t('queue.title', {count: formatNumber(entries.length)})),
        el('ul', {}, entries.map((entry) => el('li', {
          dataset: {testid: 'queue-item', kind: entry.kind, subject: entry.subject},
        }, t(`queue.${entry.kind}`, {id: entry.subject}), ' · ', t('queue.waiting')))));
    if (refused.length)
      box.append(el('p', {class: 'queue-title warn'}, t('queue.refused.title')),
        el('ul', {}, refused.map((entry) => el('li', {
          dataset: {testid: 'queue-refused', kind: entry.kind, subject: entry.subject},
        }, t(`queue.${entry.kind}`, {id: entry.subject}), ': ', entry.reason))),
        el('button', {type: 'button', onclick: () => { refused = []; render(); }}, t('queue.refused.dismiss')));
  }

  function scheduleRetry() {
    if (!entries.length || !active) {
      retryDelay = RETRY_FIRST_MS;
      return;
    }
    if (retryTimer !== null || !navigator.onLine) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      retryDelay = Math.min(RETRY_MAX_MS, retryDelay * 2);
      flush();
    }, retryDelay);
  }

  async function refresh() {
    entries = await queue.all();
    render();
    onChange(entries);
    scheduleRetry();
  }

  async function flush() {
    if (!active) return;
    let delivered = 0;
    const sent = await queue.flush(api, (entry, answer, error) => {
      settle(entry.scope);
      if (error) {
        refused.push({kind: entry.kind, subject: entry.subject, reason: refusalReason(error)});
        messages.error(error, {topic: 'queue'});
      } else if (entry.kind === 'delivery') {
        delivered++;
      }
    });
    if (sent) {
      if (delivered) messages.success(t('queue.sent', {count: formatNumber(delivered)}), {topic: 'pic'});
      onSent();
    }
    await refresh();
  }

  window.addEventListener('online', flush);

  return {
    entries: () => entries,
    render,
    /** On for a PIC: reads the queue and sends it; off: hidden. */
    async setActive(on) {
      active = on;
      refused = [];
      if (on) {
        await refresh();
        await flush();
      } else {
        entries = [];
        render();
      }
    },
    /** Queues a write ({key, kind, subject, scope, path, body}). */
    async add(entry) {
      await queue.add(entry);
      await refresh();
    },
    refresh,
    /** On sign-out: sent if it can be within a few seconds, then emptied. */
    async forget() {
      if (entries.length && navigator.onLine)
        await Promise.race([flush().catch(() => {}), new Promise((resolve) => setTimeout(resolve, FORGET_WAIT_MS))]);
      await queue.clear();
      entries = [];
      render();
    },
  };
}
