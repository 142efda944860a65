// The signed-in session (docs/sign-in.md): the bearer token and the last /api/v1/me answer
// (role, name, collaborator, a PIC's areas), kept in localStorage so that a PIC who reloads the
// page, online or not, stays signed in. A session comes from a one-time sign-in link (the
// page's URL ends in #masuk=<code>) or, for GIS users, from an API token pasted in the form.
// Signing out ends a link's session on the server (best effort) and forgets everything stored.

const STORAGE_KEY = 'sasaran.session';
const ANONYMOUS = {role: 'anonymous', collaborator: null, areas: [], name: null, session: false};
const LINK_FRAGMENT = /(?:^#|&)masuk=([A-Za-z0-9_-]+)/;

/**
 * The code of a sign-in link in `hash` (location.hash), or ''. The fragment never reaches the
 * server in the request line, so the code stays out of every access log.
 */
export function linkCodeIn(hash) {
  return LINK_FRAGMENT.exec(hash ?? '')?.[1] ?? '';
}

/**
 * Removes the sign-in code from the address bar at once (history.replaceState, so neither the
 * back button nor a bookmark keeps it) and returns it, or '' when there is none.
 */
export function takeLinkCode(win = window) {
  const code = linkCodeIn(win.location.hash);
  if (!code) return '';
  const url = new URL(win.location.href);
  url.hash = '';
  win.history.replaceState(win.history.state, '', url.pathname + url.search);
  return code;
}

export function createSession(api, {storage = safeStorage()} = {}) {
  let {token, me} = read();
  const listeners = [];

  function read() {
    try {
      const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null');
      if (stored && typeof stored.token === 'string' && stored.token && stored.me)
        return {token: stored.token, me: {...ANONYMOUS, ...stored.me}};
    } catch {
      // unreadable: start anonymous
    }
    return {token: '', me: ANONYMOUS};
  }

  function keep(newToken, newMe) {
    token = newToken;
    me = {...ANONYMOUS, ...newMe};
    try {
      if (token) storage?.setItem(STORAGE_KEY, JSON.stringify({token, me}));
      else storage?.removeItem(STORAGE_KEY);
    } catch {
      // storage refused (private mode): signed in for this page only
    }
    for (const listener of listeners) listener(me);
  }

  return {
    token: () => token,
    role: () => me.role,
    name: () => me.name ?? '',
    /** The last /api/v1/me answer (role, name, collaborator, areas, session). */
    me: () => me,
    /** A PIC's areas: [{code, name, level}]. */
    areas: () => me.areas ?? [],
    signedIn: () => me.role !== 'anonymous',
    onChange(listener) {
      listeners.push(listener);
    },

    /**
     * Asks the server who `candidate` (an API token) is; keeps it and tells the listeners. A
     * malformed, unknown or revoked token is refused (401) with the server's message.
     */
    async signIn(candidate) {
      const answer = await api.request('GET', 'api/v1/me', {token: candidate});
      keep(candidate, answer.data);
      return me;
    },

    /**
     * Exchanges the code of a sign-in link for a session (POST /api/v1/sessions, once per
     * link), then asks who it is. A used, unknown or expired link is an ApiError 401 whose
     * problem type is urn:sasaran:problem:sign-in-link-not-accepted.
     */
    async signInWithLink(code) {
      const made = await api.request('POST', 'api/v1/sessions', {body: {link: code}, token: ''});
      const secret = made.data.token;
      let answer = {...made.data, session: true};
      try {
        answer = (await api.request('GET', 'api/v1/me', {token: secret})).data;
      } catch {
        // the session exists; who it is was told by the exchange itself
      }
      delete answer.token;
      // A session this device held before (someone else's, on a shared phone) ends now.
      const previous = me.session === true ? token : '';
      keep(secret, {...answer, name: answer.name ?? made.data.name, expires_at: made.data.expires_at});
      if (previous && previous !== secret)
        await api.request('POST', 'api/v1/sessions/end', {token: previous}).catch(() => {});
      return me;
    },

    /** Asks the server again who the kept token is; refusals are for the caller to handle. */
    async refresh() {
      if (!token) return me;
      const kept = token;
      const answer = await api.request('GET', 'api/v1/me', {token: kept});
      if (token === kept) keep(kept, answer.data);
      return me;
    },

    /** Signs out: ends a link's session on the server (best effort) and forgets it here. */
    async signOut() {
      const ended = token;
      const wasSession = me.session === true;
      keep('', ANONYMOUS);
      if (wasSession && ended)
        await api.request('POST', 'api/v1/sessions/end', {token: ended}).catch(() => {});
    },

    /** The server no longer accepts the token (revoked, ended, expired): forget it here only. */
    dropRefused() {
      if (token) keep('', ANONYMOUS);
    },
  };
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
