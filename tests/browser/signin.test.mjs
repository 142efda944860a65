// Sign-in without a terminal: a one-time link made with `sasaran token link` (run_browser_tests.sh)
// opened in the page signs in as the PIC it names, leaves no code in the address bar, survives a
// reload, and signs out for good (the API then refuses the session); opened again it is refused
// with a translated text; a session ended behind the page's back signs the page out.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {desktop, env, eventually, messageOf, openBrowser, openPage, shot} from './support.mjs';

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run these tests through run_browser_tests.sh`);
  return value;
}

const link = required('SASARAN_SIGNIN_LINK_PIC');
const linkEnded = required('SASARAN_SIGNIN_LINK_PIC_ENDED');
const code = link.slice(link.indexOf('#masuk=') + 7);
assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#masuk=[A-Za-z0-9_-]{43}$/);

// Chromium's console lines for the refusals these journeys provoke on purpose.
const sessionRefused = /status of 401 .*\/api\/v1\/sessions\)$/;
const tokenRefused = /status of 401 /;
// A busy server sheds a list with 503 (the page tries again after Retry-After); a PIC's list
// asked for just before the sign-out may then come back refused.
const shed = /status of 503 /;
const lateList = /status of 401 .*\/api\/v1\/(pledges|targets)\?/;

let browser;
before(async () => {
  browser = await openBrowser(desktop);
});
after(async () => {
  await browser?.close();
});

// Every text the message lines show, in order (each line's text without its buttons): a later
// message (a tile that failed while the map loaded) may replace the one a step expects before
// it is read.
async function recordMessages(page) {
  await page.addInitScript(() => {
    window.__messages = [];
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid="message"]')) {
        const text = el.querySelector('.message-text')?.textContent ?? '';
        const seen = window.__messages.some((m) => m.element === el.dataset.topic && m.text === text);
        if (!el.hidden && text && !seen)
          window.__messages.push({element: el.dataset.topic, kind: el.dataset.kind ?? null, text});
      }
    }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  });
}
const messagesShown = (page) =>
  page.evaluate(() => window.__messages.map(({kind, text}) => ({kind, text})));

async function openReady(page, url) {
  await page.goto(url, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null,
                             {polling: 'raf', timeout: 30000});
}

const roleWord = (page) => page.getByTestId('role').innerText().then((s) => s.trim());
const message = async (page) => {
  const line = await messageOf(page, 'signin');
  return line ? {kind: line.kind, text: line.text} : {kind: null, text: ''};
};
const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('sasaran.session') ?? 'null'));

async function me(token) {
  const r = await fetch(new URL('/api/v1/me', env.base), {headers: {authorization: `Bearer ${token}`}});
  return {status: r.status, body: await r.json()};
}

test('a sign-in link signs in as its PIC, leaves the address bar, survives a reload and signs out for good', async () => {
  const page = await openPage(browser.context, desktop);
  await recordMessages(page);
  await openReady(page, link);
  assert.equal(await eventually(() => roleWord(page), 'pic'), 'pic');
  assert.ok(!page.url().includes('masuk'), `the code stayed in the address bar: ${page.url()}`);
  assert.ok(!page.url().includes(code));
  assert.equal(await page.evaluate(() => location.hash), '');
  const done = {kind: 'success', text: 'Anda masuk sebagai PIC lapangan (Ibu Sari).'};
  const shown = await eventually(() => messagesShown(page), (m) => m.some((x) => x.kind === 'success'));
  assert.deepEqual(shown.filter((x) => x.kind === 'success'), [done], JSON.stringify(shown));
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'role-line');
  assert.equal(await page.locator('.role-name').innerText(), '(PIC lapangan, Ibu Sari)');
  // The token box is out of the way, and the page keeps the session the API knows.
  assert.equal(await page.locator('#signin-api').isVisible(), false);
  const kept = await stored(page);
  assert.equal(kept.me.role, 'pic');
  assert.equal(kept.me.name, 'Ibu Sari');
  assert.deepEqual(kept.me.areas.map((a) => a.code), [env.picArea]);
  const asServer = await me(kept.token);
  assert.equal(asServer.status, 200);
  assert.equal(asServer.body.role, 'pic');
  assert.equal(asServer.body.name, 'Ibu Sari');
  assert.equal(asServer.body.session, true);
  await shot(page, 'signin-link-signed-in');

  await page.reload({waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null, {timeout: 30000});
  assert.equal(await eventually(() => roleWord(page), 'pic'), 'pic');
  assert.equal((await stored(page)).token, kept.token);

  await page.getByTestId('signout').click();
  assert.deepEqual(await eventually(() => message(page), (m) => m.kind === 'success' && m.text === 'Sudah keluar.'),
                   {kind: 'success', text: 'Sudah keluar.'});
  assert.equal(await roleWord(page), '');
  assert.equal(await stored(page), null);
  const refused = await eventually(() => me(kept.token), (r) => r.status === 401);
  assert.equal(refused.status, 401);
  assert.equal(refused.body.type, 'urn:sasaran:problem:token-not-accepted');
  assert.equal(await page.locator('#signin-how').isVisible(), true);
  await shot(page, 'signin-link-signed-out');

  // The same link once more, in a new tab: refused, in the page's language.
  const again = await openPage(browser.context, desktop);
  await recordMessages(again);
  await openReady(again, link);
  const used = {kind: 'error', text: 'Tautan masuk ini sudah pernah dipakai. Minta tautan baru kepada petugas.'};
  const refusals = await eventually(() => messagesShown(again), (m) => m.some((x) => x.text.startsWith('Tautan')));
  assert.deepEqual(refusals.filter((x) => x.text.startsWith('Tautan')), [used], JSON.stringify(refusals));
  assert.equal(await roleWord(again), '');
  assert.ok(!again.url().includes('masuk'));
  await shot(again, 'signin-link-used');
  assert.deepEqual(page.problems([shed, lateList]), []);
  assert.deepEqual(again.problems([sessionRefused, shed]), []);
});

test('a session ended behind the page signs the page out with a message', async () => {
  const page = await openPage(browser.context, desktop);
  await openReady(page, linkEnded);
  assert.equal(await eventually(() => roleWord(page), 'pic'), 'pic');
  const {token} = await stored(page);
  const ended = await fetch(new URL('/api/v1/sessions/end', env.base),
                            {method: 'POST', headers: {authorization: `Bearer ${token}`}});
  assert.equal(ended.status, 204);

  await page.getByTestId('search').fill('Bali Mester');
  assert.deepEqual(await eventually(() => message(page), (m) => m.text.startsWith('Sesi')),
                   {kind: 'error', text: 'Sesi Anda sudah berakhir atau dicabut, jadi Anda keluar. Minta tautan masuk baru kepada petugas.'});
  assert.equal(await eventually(() => roleWord(page), ''), '');
  assert.equal(await page.locator('.role-name').innerText(), 'Tamu (belum masuk): peta dan cakupan saja.');
  assert.equal(await stored(page), null);
  await shot(page, 'signin-session-ended');
  assert.deepEqual(page.problems([tokenRefused, shed]), []);
});
