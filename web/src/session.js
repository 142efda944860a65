// The signed-in session: the bearer token (kept in sessionStorage, so it lives as long as the
// tab and is never written to disk by the page) and the role the API answers to it.
import {identify} from './role_probe.js';

const TOKEN_KEY = 'sasaran.token';

export function createSession(api) {
  let token = readToken();
  let role = 'anonymous';
  const listeners = [];

  function readToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  }

  function notify() {
    for (const listener of listeners) listener({role, signedIn: role !== 'anonymous'});
  }

  return {
    token: () => token,
    role: () => role,
    signedIn: () => role !== 'anonymous',
    storedToken: readToken,
    onChange(listener) {
      listeners.push(listener);
    },

    /** Checks `candidate` with the server; on success keeps it and tells the listeners. */
    async signIn(candidate) {
      const found = await identify(api, candidate);
      token = candidate;
      role = found.role;
      sessionStorage.setItem(TOKEN_KEY, candidate);
      notify();
      return found;
    },

    signOut() {
      token = '';
      role = 'anonymous';
      sessionStorage.removeItem(TOKEN_KEY);
      notify();
    },
  };
}
