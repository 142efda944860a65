// Journey 6: what the page says when something fails, in Indonesian and in English, with what to
// do next. Every problem type the page can meet is shown translated: those the server can be
// made to send are provoked for real (through the page's own API client, or through the page:
// a refused token at sign-in, a value the server refuses, a target taken, a session revoked with
// the CLI mid-session, no network, a refused location); the others (the server's own failures,
// sign-in links, locations: no route of the page provokes them on a healthy server) are given to
// the page's messages module as a synthetic ApiError. Messages of different topics stay side by
// side, successes clear themselves, and a retry repeats the action that failed.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {
  api, apiOk, clickMapAt, desktop, env, eventually, messageOf, openBrowser, openMap,
  openPage, shot, signIn, signInProbes,
} from './support.mjs';
import {ApiError} from '../../web/src/api_client.js';
import {describeError, PROBLEM_CODES} from '../../web/src/error_text.js';
import {strings} from '../../web/src/strings.js';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

// The text the page must show for `error` in `lang`.
function expected(error, lang, options) {
  const d = describeError(error, options);
  return strings[lang][d.key].replace(/\{(\w+)\}/g, (w, n) => String(d.values[n]));
}

// Has the page's API client send a request and its messages say the refusal on line `topic`;
// the status and problem document the server sent.
function provoke(page, topic, method, path, options = {}) {
  return page.evaluate(async ([topic, method, path, options]) => {
    const {api: client, messages} = window.sasaranPage;
    try {
      await client.request(method, path, options);
      return {status: 0};
    } catch (error) {
      messages.error(error, {topic});
      return {status: error.status, problem: error.problem};
    }
  }, [topic, method, path, options]);
}

// Gives the messages module a synthetic ApiError of `code` with `status`.
function synthetic(page, topic, status, problem) {
  return page.evaluate(([topic, status, problem]) => {
    const {ApiError: PageApiError, messages} = window.sasaranPage;
    messages.error(new PageApiError(status, problem, 5), {topic});
  }, [topic, status, problem]);
}

const SYNTHETIC = {
  'invalid-body': 400, 'invalid-request': 400, 'request-timeout': 408, 'too-large': 413,
  'unsupported-media-type': 415, 'idempotency-key-reused': 422, 'internal-error': 500,
  'overloaded': 503, 'not-ready': 503, 'store-unavailable': 503, 'sign-in-link-not-accepted': 401,
  'target-already-located': 409, 'location-outside-area': 422, 'conflict': 409,
};

async function setLanguage(page, lang) {
  if (await page.evaluate(() => document.documentElement.lang) !== lang) await page.getByTestId('lang').click();
  assert.equal(await eventually(() => page.evaluate(() => document.documentElement.lang), lang), lang);
}

test('every problem type the page can meet is said translated, in Indonesian and in English, ' +
     'with the server\'s own detail kept aside', async (t) => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);

  // Pledges of the collaborator that are delivered and cancelled, and a target that is taken.
  const mine = (await apiOk(`/api/v1/pledges?collaborator=${env.collaborator}`, 'collaborator')).pledges;
  const delivered = mine.find((p) => p.status === 'delivered');
  let cancelled = mine.find((p) => p.status === 'cancelled');
  const committed = mine.find((p) => p.status === 'committed');
  assert.ok(delivered && committed, 'the collaborator has no delivered or no active pledge');
  if (!cancelled) {
    const {targets} = await apiOk('/api/v1/targets/nearest?lon=106.8&lat=-6.2&k=1&status=open', 'collaborator');
    const made = await api('/api/v1/pledges', {token: 'collaborator', method: 'POST',
                                               body: {target: targets[0].id, form: 'barang', quantity: 1}});
    await api(`/api/v1/pledges/${made.body.id}/cancel`, {token: 'collaborator', method: 'POST'});
    cancelled = made.body;
  }

  const seen = [];  // {code, how, id, en}
  for (const lang of ['id', 'en']) {
    await setLanguage(page, lang);

    // A token the server does not know, at sign-in, through the page's form.
    const bad = 'sst_' + '0'.repeat(64);
    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/me');
    await page.locator('#signin-api').evaluate((details) => { details.open = true; });
    await page.getByTestId('signin-token').fill(bad);
    await page.getByTestId('signin').click();
    const me = await refused;
    const meProblem = await me.json();
    assert.equal(me.status(), 401);
    const meError = new ApiError(401, meProblem);
    meError.sentToken = true;
    const meText = expected(meError, lang);
    const meShown = await eventually(() => messageOf(page, 'signin'), (m) => m?.text === meText);
    assert.equal(meShown?.text, meText);
    if (meProblem.type?.startsWith('urn:sasaran:problem:')) assert.equal(meShown.problem, 'token-not-accepted');
    seen.push({code: 'token-not-accepted', how: 'real: sign-in with an unknown token', [lang]: meShown.text});

    assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
    const real = [
      ['invalid-parameter', 'GET', 'api/v1/targets/nearest', {query: {lon: 'x', lat: '-6.2'}}],
      ['sign-in-required', 'GET', 'api/v1/targets/nearest', {query: {lon: '106.8', lat: '-6.2'}, token: ''}],
      ['forbidden', 'GET', 'api/v1/audit', {}],
      ['not-found', 'GET', 'api/v1/areas/999', {}],
      ['method-not-allowed', 'PUT', 'api/v1/lookup', {}],
      ['pledge-delivered', 'POST', `api/v1/pledges/${delivered.id}/cancel`, {}],
      ['pledge-cancelled', 'POST', `api/v1/pledges/${cancelled.id}/cancel`, {}],
      ['target-taken', 'POST', 'api/v1/pledges', {body: {target: committed.target, form: 'barang', quantity: 1}}],
    ];
    for (const [code, method, path, options] of real) {
      const topic = `test-${code}`;
      const answer = await provoke(page, topic, method, path, options);
      assert.ok(answer.status >= 400, `${method} ${path} was not refused`);
      const text = expected(new ApiError(answer.status, answer.problem), lang);
      const shown = await eventually(() => messageOf(page, topic), (m) => m?.text === text);
      assert.equal(shown?.text, text, `${code} in ${lang}`);
      // The server's type, once it sends one, is the page's code for the line.
      if (answer.problem?.type?.startsWith('urn:sasaran:problem:')) assert.equal(shown.problem, code);
      else assert.equal(shown.problem, `status-${answer.status}`);
      seen.push({code, how: `real: ${method} /${path} (${answer.status})`, [lang]: shown.text});
    }

    for (const [code, status] of Object.entries(SYNTHETIC)) {
      const topic = `test-${code}`;
      const problem = {type: `urn:sasaran:problem:${code}`, status, detail: 'technical', request_id: 'r-1'};
      await synthetic(page, topic, status, problem);
      const text = expected(new ApiError(status, problem, 5), lang);
      const shown = await eventually(() => messageOf(page, topic), (m) => m?.text === text);
      assert.equal(shown?.text, text, `${code} in ${lang}`);
      assert.equal(shown.problem, code);
      seen.push({code, how: 'synthetic ApiError', [lang]: shown.text});
    }
    // A type the page does not know: the text of its status.
    await synthetic(page, 'test-unknown', 418, {type: 'urn:sasaran:problem:new-thing', status: 418});
    assert.equal((await messageOf(page, 'test-unknown'))?.text, strings[lang]['problem.status.4xx']);
    // Many topics, many lines: none overwrote another.
    const topics = await page.locator('[data-testid=message]').evaluateAll(
      (els) => els.map((e) => e.dataset.topic));
    assert.equal(new Set(topics).size, topics.length, `lines share a topic: ${topics}`);
    assert.ok(topics.length >= Object.keys(SYNTHETIC).length + 8, `only ${topics.length} lines`);
    // The server's English detail is kept on the line, never in its text.
    const detail = await page.locator('[data-testid=message][data-topic="test-not-found"]').getAttribute('data-detail');
    assert.match(detail, /999/);
    await shot(page, `messages-${lang}`);
    await page.evaluate(() => window.sasaranPage.messages.clear());
    await page.getByTestId('signout').click();
  }
  await setLanguage(page, 'id');
  const covered = new Set(seen.map((s) => s.code));
  const missing = PROBLEM_CODES.filter((c) => !covered.has(c));
  assert.deepEqual(missing, [], 'problem codes never shown');
  for (const s of seen.filter((x) => x.id)) t.diagnostic(`${s.code} [${s.how}]: ${s.id}`);
  assert.deepEqual(page.problems([...signInProbes, /status of (400|401|403|404|405|409) /]), []);
});

test('with no network a search says so, with a retry that repeats the search once online; ' +
     'messages of other topics stay, a success clears itself', async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  await setLanguage(page, 'id');
  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  // The sign-in's success line goes away by itself.
  assert.equal(await eventually(() => messageOf(page, 'signin'), null, 20000), null);

  await browser.context.clearPermissions();
  await page.getByTestId('my-location').click();
  const location = await eventually(() => messageOf(page, 'location'), (m) => m?.kind === 'error');
  assert.equal(location?.problem, 'location-denied');

  await browser.context.setOffline(true);
  try {
    await page.getByTestId('search').fill('bali mester');
    const offline = await eventually(() => messageOf(page, 'search'), (m) => m?.kind === 'error');
    assert.deepEqual(offline, {kind: 'error', problem: 'network-offline', text: strings.id['network.offline']});
    // The location line is still there: a later message of another topic did not replace it.
    assert.equal((await messageOf(page, 'location'))?.problem, 'location-denied');
    await setLanguage(page, 'en');
    assert.equal((await messageOf(page, 'search'))?.text, strings.en['network.offline']);
    assert.equal((await messageOf(page, 'location'))?.text, strings.en['location.denied']);
    await shot(page, 'messages-offline');
    await setLanguage(page, 'id');
  } finally {
    await browser.context.setOffline(false);
  }
  // The retry of the search line repeats the search.
  await page.locator('[data-testid=message][data-topic=search] [data-testid=message-retry]').click();
  const found = await apiOk('/api/v1/areas?q=bali%20mester&limit=10');
  const codes = () => page.getByTestId('search-result').evaluateAll((els) => els.map((e) => e.dataset.code));
  const expectedCodes = found.areas.map((a) => a.code);
  assert.deepEqual(await eventually(codes, expectedCodes), expectedCodes);
  assert.equal(await messageOf(page, 'search'), null);
  // The location line has its own close button.
  await page.locator('[data-testid=message][data-topic=location] [data-testid=message-close]').click();
  assert.equal(await messageOf(page, 'location'), null);
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY',
                  'closing a message lost the keyboard focus');
  assert.deepEqual(page.problems([...signInProbes, /ERR_INTERNET_DISCONNECTED/]), []);
});

test('a session revoked mid-session is said, and the page signs out', async (t) => {
  assert.ok(env.revocable && env.sasaran && env.db,
            'SASARAN_TOKEN_REVOCABLE, SASARAN_BIN and SASARAN_DB are not set: run through run_browser_tests.sh');
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.revocable), 'collaborator');
  const me = await api('/api/v1/me', {headers: {authorization: `Bearer ${env.revocable}`}});
  execFileSync(env.sasaran, ['token', 'revoke', me.body.token, '--db', env.db], {stdio: 'pipe'});
  // The server learns of it within 10 s (docs/api.md).
  const gone = await eventually(
    () => api('/api/v1/me', {headers: {authorization: `Bearer ${env.revocable}`}}).then((r) => r.status),
    401, 20000);
  assert.equal(gone, 401);
  const problem = (await api('/api/v1/me', {headers: {authorization: `Bearer ${env.revocable}`}})).body;

  // The next thing the user does meets the refusal. (Not waiting for the map to be idle: the
  // tiles refused with the revoked token stay "loading" in MapLibre 6.17.)
  await page.evaluate(() => window.sasaranMap.jumpTo({center: [106.7923, -6.2354], zoom: 15}));
  await clickMapAt(page, 106.7923, -6.2354);
  // A 401 to a request that carried the token: the session refused, whatever the type says.
  assert.equal(problem.type?.startsWith('urn:') ? problem.type : 'urn:sasaran:problem:token-not-accepted',
               'urn:sasaran:problem:token-not-accepted');
  const text = strings.id['problem.token-not-accepted'];
  const said = await eventually(
    () => page.locator('[data-testid=message][data-kind=error]').evaluateAll(
      (els) => els.map((e) => e.querySelector('.message-text').textContent)),
    (texts) => Array.isArray(texts) && texts.includes(text));
  assert.ok(Array.isArray(said) && said.includes(text), `no line says '${text}': ${JSON.stringify(said)}`);
  t.diagnostic(`said: ${text}`);
  // Signed out: no role shown, the sign-in form back.
  assert.equal(await eventually(() => page.getByTestId('role').isVisible(), false), false);
  assert.equal(await page.getByTestId('signin-token').isVisible(), true);
  await shot(page, 'messages-revoked');
  assert.deepEqual(page.problems([...signInProbes, /status of 401 /]), []);
});
