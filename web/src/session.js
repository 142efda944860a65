// The signed-in session: the bearer token (kept in sessionStorage, so it lives as long as the
// tab and is never written to disk by the page) and who the API says it is
// (GET /api/v1/me: role, collaborator, a PIC's areas).

const TOKEN_KEY = 'sasaran.token';
const ANONYMOUS = {role: 'anonymous', collaborator: null, areas: []};

export function createSession(api) {
  let token = readToken();
  let me = ANONYMOUS;
  const listeners = [];

  function readToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  }

  function notify() {
    for (const listener of listeners) listener(me);
  }

  return {
    token: () => token,
    role: () => me.role,
    /** A PIC's areas: [{code, name, level}]. */
    areas: () => me.areas ?? [],
    signedIn: () => me.role !== 'anonymous',
    storedToken: readToken,
    onChange(listener) {
      listeners.push(listener);
    },

    /**
     * Asks the server who `candidate` is; keeps it and tells the listeners. A malformed, unknown
     * or revoked token is refused (401) with the server's message.
     */
    async signIn(candidate) {
      const answer = await api.request('GET', 'api/v1/me', {token: candidate});
      token = candidate;
      me = {...ANONYMOUS, ...answer.data};
      sessionStorage.setItem(TOKEN_KEY, candidate);
      notify();
      return me;
    },

    signOut() {
      token = '';
      me = ANONYMOUS;
      sessionStorage.removeItem(TOKEN_KEY);
      notify();
    },
  };
}
