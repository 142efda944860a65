// The page's messages ([data-testid=messages]): a small stack of lines, one per topic ('signin',
// 'map', 'pledge', 'planner', 'pic', 'location', 'general', ...). A later message of a topic
// replaces that topic's line only. Each line ([data-testid=message], data-topic, data-kind
// error|success|info, data-problem for an error) has its own close button and, for an error
// that trying again may mend, a retry button that repeats the action given with the error.
// Errors are said in the user's language with what to do next (error_text.js); the technical
// text (the server's English detail) is kept in data-detail and the line's title. Successes
// clear themselves. Texts follow the language switch.
import {describeError} from './error_text.js';
import {el} from './dom.js';
import {onChange, t} from './i18n.js';

const SUCCESS_MS = 6000;

/**
 * `root`: the container of the lines. `onSessionRefused(error)`: called when the server refused
 * the session (token-not-accepted, or a 401 on a request that carried a token).
 */
export function createMessages({root, onSessionRefused = () => {}}) {
  const lines = new Map();  // topic -> {node, render, timer}

  function remove(topic, {refocus = false} = {}) {
    const line = lines.get(topic);
    if (!line) return;
    clearTimeout(line.timer);
    const hadFocus = line.node.contains(document.activeElement);
    line.node.remove();
    lines.delete(topic);
    // A closed line must not leave the keyboard at the top of the page.
    if (refocus || hadFocus) (root.querySelector('[data-testid=message] button') ?? root).focus();
  }

  /** Shows a line; `text` is a function so that it can be said again in another language. */
  function show(topic, kind, text, {retry = null, problem = null, detail = null} = {}) {
    remove(topic);
    const node = el('div', {
      class: `message message-${kind}`,
      dataset: {testid: 'message', topic, kind, ...(problem ? {problem} : {}), ...(detail ? {detail} : {})},
      role: kind === 'error' ? 'alert' : 'status',
      title: detail ?? undefined,
    });
    const body = el('p', {class: 'message-text'});
    const retryButton = retry ? el('button', {type: 'button', class: 'retry', dataset: {testid: 'message-retry'},
      onclick: () => {
        remove(topic, {refocus: true});
        retry();
      }}) : null;
    const closeButton = el('button', {type: 'button', class: 'message-close', dataset: {testid: 'message-close'},
      onclick: () => remove(topic, {refocus: true})}, '×');
    const render = () => {
      body.textContent = text();
      if (retryButton) retryButton.textContent = t('error.retry');
      closeButton.setAttribute('aria-label', t('message.close'));
    };
    render();
    node.append(body, el('div', {class: 'message-actions'}, retryButton, closeButton));
    root.append(node);
    const line = {node, render, timer: null};
    if (kind === 'success') line.timer = setTimeout(() => lines.get(topic) === line && remove(topic), SUCCESS_MS);
    lines.set(topic, line);
    return node;
  }

  const asText = (text) => (typeof text === 'function' ? text : () => text);

  function error(failure, options = {}) {
    // messages.error(error, fn): the older form, retry = fn on the 'general' line.
    const {topic = 'general', retry = null} = typeof options === 'function' ? {retry: options} : (options ?? {});
    const described = describeError(failure, {online: navigator.onLine !== false});
    const text = () => (described.key === null ? described.detail : t(described.key, described.values));
    show(topic, 'error', text, {
      retry: described.retriable ? retry : null,
      problem: described.code,
      detail: described.key === null ? null : described.detail,
    });
    if (described.code === 'token-not-accepted')
      onSessionRefused(failure);
  }

  onChange(() => {
    for (const line of lines.values()) line.render();
  });

  return {
    error,
    success(text, {topic = 'general'} = {}) {
      show(topic, 'success', asText(text));
    },
    info(text, {topic = 'general'} = {}) {
      show(topic, 'info', asText(text));
    },
    /** Removes a topic's line (all lines without a topic). */
    clear(topic) {
      if (topic === undefined) for (const key of [...lines.keys()]) remove(key);
      else remove(topic);
    },
  };
}
