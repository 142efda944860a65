// What the page says about a failure, in the user's language, with what to do next: every
// problem type the API sends (docs/api.md, "Problem types"; `urn:sasaran:problem:<code>`), a
// fallback per HTTP status for a type the page does not know, no answer at all (offline or the
// server unreachable), and the device's location refused or unavailable. Pure: no DOM, so the
// unit test (tests/js/error_text.test.mjs) reads it in node.
import {ApiError, NetworkError} from './api_client.js';

const TYPE_PREFIX = 'urn:sasaran:problem:';

/** The problem codes the page has a text for (docs/api.md, "Problem types"). */
export const PROBLEM_CODES = [
  'invalid-parameter', 'invalid-body', 'invalid-request', 'sign-in-required', 'token-not-accepted',
  'forbidden', 'not-found', 'method-not-allowed', 'request-timeout', 'target-taken',
  'pledge-cancelled', 'pledge-delivered', 'conflict', 'too-large', 'unsupported-media-type',
  'idempotency-key-reused', 'internal-error', 'overloaded', 'not-ready', 'store-unavailable',
  'sign-in-link-not-accepted', 'target-already-located', 'location-outside-area',
];

/** Statuses with a text of their own when the type is unknown; others fall to 4xx or 5xx. */
export const FALLBACK_STATUSES = [400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 502, 503, 504];

// Codes whose text names a value of the problem, when the problem carries it.
const WITH_VALUE = {
  'invalid-parameter': 'parameter',
  'target-taken': 'holder',
  'overloaded': 'seconds',
  'internal-error': 'request',
};

/** The code of an ApiError's problem type, or null for about:blank or a foreign type. */
export function problemCode(error) {
  const type = error?.problem?.type;
  return typeof type === 'string' && type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : null;
}

// A GeolocationPositionError (not an Error subclass) carries the constants on its prototype.
function isGeolocationError(error) {
  return error != null && typeof error.code === 'number' && 'PERMISSION_DENIED' in error;
}

function statusKey(status) {
  if (FALLBACK_STATUSES.includes(status)) return `problem.status.${status}`;
  return status >= 500 ? 'problem.status.5xx' : 'problem.status.4xx';
}

/**
 * {key, values, code, retriable, detail} for `error`: `key` names the text in strings.js,
 * `code` the problem code (or a name for a non-API failure), `retriable` whether trying the
 * same action again may succeed, `detail` the technical English text (the server's detail).
 * An Error of another kind is the page's own message, said as it is (key null).
 */
export function describeError(error, {online = true} = {}) {
  if (error instanceof ApiError) {
    // A 401 to a request that carried a token is that token refused, whatever the type says
    // (a tile's 401 has no body; an older server sends about:blank).
    const code = problemCode(error) ?? (error.status === 401 && error.sentToken ? 'token-not-accepted' : null);
    const known = code !== null && PROBLEM_CODES.includes(code);
    const status = error.status;
    const retriable = status === 408 || status >= 500;
    const values = {
      parameter: error.problem.parameter ?? '',
      holder: error.problem.holder ?? '',
      seconds: error.retryAfter ?? '',
      request: error.problem.request_id ?? '',
    };
    let key = known ? `problem.${code}` : statusKey(status);
    const needs = known ? WITH_VALUE[code] : null;
    if (needs && !values[needs]) key += '.plain';
    return {key, values, code: known ? code : `status-${status}`, retriable, detail: error.message};
  }
  if (error instanceof NetworkError) {
    return online
      ? {key: 'network.noanswer', values: {}, code: 'network-noanswer', retriable: true, detail: error.message}
      : {key: 'network.offline', values: {}, code: 'network-offline', retriable: true, detail: error.message};
  }
  if (isGeolocationError(error)) {
    const code = {1: 'denied', 2: 'unavailable', 3: 'timeout'}[error.code] ?? 'unavailable';
    return {key: `location.${code}`, values: {}, code: `location-${code}`, retriable: code !== 'denied', detail: error.message};
  }
  if (error?.name === 'GeolocationUnsupported')
    return {key: 'location.unsupported', values: {}, code: 'location-unsupported', retriable: false, detail: error.message};
  return {key: null, values: {}, code: 'page', retriable: true, detail: String(error?.message ?? error)};
}

/** The text of `error` with `translate` (i18n's t, or a language's in the unit test). */
export function errorText(error, translate, options = {}) {
  const described = describeError(error, options);
  return described.key === null ? described.detail : translate(described.key, described.values);
}
