// The web map's messages for failures (web/src/error_text.js with web/src/strings.js), in node
// without a browser: every problem type the API can send has an Indonesian and an English text
// that says what happened and what to do next, with the problem's values filled in; a type the
// page does not know falls back to a text for its status; no answer, offline and a refused
// location have theirs. The list of problem codes is read from docs/api.md's table of problem
// types when it has one, and always includes the codes the page was built for.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {ApiError, NetworkError} from '../../web/src/api_client.js';
import {describeError, errorText, FALLBACK_STATUSES, PROBLEM_CODES, problemCode} from '../../web/src/error_text.js';
import {strings} from '../../web/src/strings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LANGS = ['id', 'en'];

// The codes of docs/api.md: its problem-types table names each as `code` or
// urn:sasaran:problem:code. Without such a table (not yet written), the page's own list
// (TODO for the lead: remove the fallback once docs/api.md has the table).
function documentedCodes() {
  const text = fs.readFileSync(path.join(root, 'docs/api.md'), 'utf8');
  const codes = new Set([...text.matchAll(/urn:sasaran:problem:([a-z][a-z-]*[a-z])/g)].map((m) => m[1]));
  const section = text.match(/^#+ [^\n]*[Pp]roblem[^\n]*\n([\s\S]*?)(?=^#+ )/m)?.[1] ?? '';
  for (const row of section.matchAll(/^\|\s*`([a-z][a-z-]*[a-z])`\s*\|/gm)) codes.add(row[1]);
  return [...codes];
}

const translate = (lang) => (key, values = {}) => {
  const text = strings[lang][key];
  assert.ok(text, `strings.${lang} has no '${key}'`);
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
};

// A problem document of `code` as the server sends it, with the extras the texts use.
function problemOf(code, status) {
  return {
    type: `urn:sasaran:problem:${code}`, title: 'T', status, detail: `technical detail of ${code}`,
    instance: '/api/v1/x', request_id: 'abcd-0001', parameter: 'amount_idr', holder: 'P040001',
  };
}

const STATUS = {
  'invalid-parameter': 400, 'invalid-body': 400, 'invalid-request': 400, 'sign-in-required': 401,
  'token-not-accepted': 401, 'forbidden': 403, 'not-found': 404, 'method-not-allowed': 405,
  'request-timeout': 408, 'target-taken': 409, 'pledge-cancelled': 409, 'pledge-delivered': 409, 'conflict': 409,
  'too-large': 413, 'unsupported-media-type': 415, 'idempotency-key-reused': 422,
  'internal-error': 500, 'overloaded': 503, 'not-ready': 503, 'store-unavailable': 503,
  'sign-in-link-not-accepted': 401, 'target-already-located': 409, 'location-outside-area': 422,
};

test('every problem code of docs/api.md (or the brief) has a text the page knows', (t) => {
  const documented = documentedCodes();
  const codes = [...new Set([...documented, ...Object.keys(STATUS)])];
  t.diagnostic(documented.length ? `${documented.length} codes in docs/api.md`
    : 'TODO: docs/api.md has no problem-types table yet; checked the brief\'s list');
  for (const code of codes) assert.ok(PROBLEM_CODES.includes(code), `the page has no text for '${code}'`);
});

for (const lang of LANGS) {
  test(`each problem type is said in ${lang} with its values and a next step`, () => {
    const t = translate(lang);
    for (const code of PROBLEM_CODES) {
      const error = new ApiError(STATUS[code], problemOf(code, STATUS[code]), 7);
      assert.equal(problemCode(error), code);
      const text = errorText(error, t);
      assert.doesNotMatch(text, /\{\w+\}/, `${code}: a value is left unfilled: ${text}`);
      assert.doesNotMatch(text, /technical detail/, `${code}: the server's English detail is shown`);
      // What happened, then what to do: two sentences at least.
      assert.ok(text.split(/[.;!?]\s+/).filter(Boolean).length >= 2, `${code} (${lang}) has no next step: ${text}`);
      assert.notEqual(text, errorText(error, translate(lang === 'id' ? 'en' : 'id')), `${code}: same in both languages`);
    }
    assert.match(errorText(new ApiError(409, problemOf('target-taken', 409)), t), /P040001/);
    assert.match(errorText(new ApiError(400, problemOf('invalid-parameter', 400)), t), /amount_idr/);
    assert.match(errorText(new ApiError(503, problemOf('overloaded', 503), 7), t), /\b7\b/);
    assert.match(errorText(new ApiError(500, problemOf('internal-error', 500)), t), /abcd-0001/);
  });

  test(`a problem without its extra value, or of a type the page does not know, is said in ${lang}`, () => {
    const t = translate(lang);
    for (const code of ['target-taken', 'invalid-parameter', 'overloaded', 'internal-error']) {
      const text = errorText(new ApiError(STATUS[code], {type: `urn:sasaran:problem:${code}`, status: STATUS[code]}), t);
      assert.doesNotMatch(text, /\{\w+\}/, `${code} without its value: ${text}`);
    }
    for (const status of [...FALLBACK_STATUSES, 418, 451, 501, 599]) {
      const unknown = new ApiError(status, {type: 'urn:sasaran:problem:something-new', status, detail: 'x'});
      const blank = new ApiError(status, {type: 'about:blank', status, detail: 'x'});
      const proxy = new ApiError(status, null);  // a proxy's HTML error page
      const key = FALLBACK_STATUSES.includes(status) ? `problem.status.${status}` : status >= 500 ? 'problem.status.5xx' : 'problem.status.4xx';
      for (const error of [unknown, blank, proxy]) {
        assert.equal(describeError(error).key, key);
        assert.equal(errorText(error, t), strings[lang][key]);
      }
    }
  });

  test(`no answer, offline and a refused location are said in ${lang}`, () => {
    const t = translate(lang);
    const network = new NetworkError(new TypeError('Failed to fetch'));
    assert.equal(errorText(network, t), strings[lang]['network.noanswer']);
    assert.equal(errorText(network, t, {online: false}), strings[lang]['network.offline']);
    // GeolocationPositionError as browsers make it: the constants on the prototype.
    const proto = {PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3};
    for (const [code, key] of [[1, 'location.denied'], [2, 'location.unavailable'], [3, 'location.timeout']]) {
      const error = Object.assign(Object.create(proto), {code, message: 'User denied Geolocation'});
      assert.equal(errorText(error, t), strings[lang][key]);
      assert.equal(describeError(error).retriable, code !== 1);
    }
    const unsupported = Object.assign(new Error('geolocation unsupported'), {name: 'GeolocationUnsupported'});
    assert.equal(errorText(unsupported, t), strings[lang]['location.unsupported']);
  });
}

test('a 401 to a request that carried a token is the session refused, whatever its type', () => {
  const withToken = new ApiError(401, {type: 'about:blank', status: 401});
  withToken.sentToken = true;
  assert.equal(describeError(withToken).code, 'token-not-accepted');
  assert.equal(describeError(new ApiError(401, {type: 'about:blank', status: 401})).code, 'status-401');
  const link = new ApiError(401, {type: 'urn:sasaran:problem:sign-in-link-not-accepted', status: 401});
  link.sentToken = true;
  assert.equal(describeError(link).code, 'sign-in-link-not-accepted');
});

test('retry is offered where trying again may help: no answer, 408 and 5xx, not a refusal', () => {
  assert.equal(describeError(new NetworkError(new TypeError('x'))).retriable, true);
  for (const status of [408, 500, 502, 503, 504]) assert.equal(describeError(new ApiError(status, {})).retriable, true, String(status));
  for (const status of [400, 401, 403, 404, 409, 413, 422]) assert.equal(describeError(new ApiError(status, {})).retriable, false, String(status));
});

test('the Indonesian and English strings have the same keys', () => {
  assert.deepEqual(Object.keys(strings.en).sort(), Object.keys(strings.id).sort());
});
