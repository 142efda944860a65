// Requests to the Sasaran server (same origin as the page). Refusals arrive as
// application/problem+json (RFC 9457); they become an ApiError whose message is the server's
// `detail` (else its `title`), technical English kept for support; the page says it to the user
// in their language from the problem's `type` (error_text.js). A request that gets no answer
// at all becomes a NetworkError.

export class ApiError extends Error {
  /** `retryAfter`: the seconds of a Retry-After header, or null. */
  constructor(status, problem, retryAfter = null) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem && typeof problem === 'object' ? problem : {};
    this.retryAfter = retryAfter;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super(cause?.message || String(cause));
    this.name = 'NetworkError';
  }
}

/** The URL of `path` under `base` with `query` (empty values left out), as requests use it. */
export function urlOf(base, path, query) {
  const url = new URL(path.replace(/^\//, ''), base);
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  return url;
}

export const TOKEN_REFUSED = 'urn:sasaran:problem:token-not-accepted';

/**
 * A client for the API under `base` (the page's own folder, so the page also works behind a
 * proxy that mounts it under a path). `getToken` gives the bearer token of the session, or ''.
 * `onTokenRefused(token)` hears of every 401 token-not-accepted for a token sent (a session
 * revoked or expired while the page is open).
 */
export function createApiClient({base, getToken, onTokenRefused = () => {}}) {
  async function request(method, path, {query, body, headers = {}, token} = {}) {
    const url = urlOf(base, path, query);
    const sent = {Accept: 'application/json, application/geo+json, application/problem+json', ...headers};
    const bearer = token ?? getToken();
    if (bearer) sent.Authorization = `Bearer ${bearer}`;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    // A busy server sheds load with 503 and Retry-After; a read, or a write the server can
    // recognise as a repeat (Idempotency-Key), is tried again after that wait, twice at most.
    const retriable = method === 'GET' || 'Idempotency-Key' in sent;
    let response;
    for (let attempt = 0; ; ++attempt) {
      try {
        response = await fetch(url, {
          method,
          headers: sent,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: 'no-store',  // answers change with every pledge; never reuse one
        });
      } catch (cause) {
        throw new NetworkError(cause);
      }
      const wait = Number(response.headers.get('Retry-After') ?? NaN);
      if (response.status !== 503 || !retriable || attempt >= 2 || !(wait >= 0 && wait <= 10)) break;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
    const text = await response.text().catch(() => '');
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;  // not JSON (a proxy's error page): the status tells what happened
    }
    if (response.status === 401 && bearer && data?.type === TOKEN_REFUSED) onTokenRefused(bearer);
    if (!response.ok) {
      const after = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
      const error = new ApiError(response.status, data, Number.isFinite(after) ? after : null);
      error.sentToken = Boolean(bearer);  // a 401 then means the session itself was refused
      throw error;
    }
    return {status: response.status, data, headers: response.headers};
  }

  return {
    base,
    request,
    /** The JSON of a GET. */
    async get(path, query, options = {}) {
      return (await request('GET', path, {...options, query})).data;
    },
    /** A POST of JSON; the whole answer (status, data, headers). */
    post(path, body, options = {}) {
      return request('POST', path, {...options, body});
    },
  };
}
