// The one message line of the page ([data-testid=message]): the latest error or success, with
// data-kind "error" or "success". Its text is exactly the message (for a refusal, the server's
// problem detail); a retry button beside it repeats what failed.
import {ApiError, NetworkError} from './api_client.js';
import {t} from './i18n.js';

export function createMessages({element, retryButton}) {
  let retryAction = null;

  retryButton.addEventListener('click', () => {
    const action = retryAction;
    clear();
    if (action) action();
  });

  function show(kind, text, retry = null) {
    element.textContent = text;
    element.dataset.kind = kind;
    element.hidden = false;
    element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    retryAction = retry;
    retryButton.hidden = !retry;
  }

  function clear() {
    element.textContent = '';
    element.hidden = true;
    delete element.dataset.kind;
    retryAction = null;
    retryButton.hidden = true;
  }

  return {
    success(text) {
      show('success', text);
    },
    info(text) {
      show('info', text);
    },
    /** Shows what went wrong: the server's detail, or that it could not be reached. */
    error(error, retry = null) {
      if (error instanceof NetworkError) show('error', t('error.network', {reason: error.message}), retry);
      else if (error instanceof ApiError) show('error', error.message, error.status >= 500 ? retry : null);
      else show('error', String(error?.message ?? error), retry);
    },
    clear,
  };
}
