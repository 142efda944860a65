// Measured and printed, never asserted (README.md): the first view (navigation start to
// body[data-ready=true]: style and first tiles drawn) on this machine and on Chrome's "Fast 3G"
// (Chrome DevTools Protocol Network.emulateNetworkConditions: 562.5 ms latency, 180 kB/s down,
// 84.375 kB/s up, as DevTools' preset), with where the bytes go; and keyboard-only runs of the
// collaborator's and the planner's journeys, with the Tabs each step took.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  apiOk, desktop, env, eventually, messageOf, openBrowser, openPage, signInProbes,
} from './support.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const FAST_3G = {offline: false, latency: 562.5, downloadThroughput: 180000, uploadThroughput: 84375};

// Opens the map in a fresh page (nothing cached: every answer is asked for again) and returns
// the milliseconds to body[data-ready=true] and the bytes per kind of resource.
async function firstView(conditions = null) {
  const page = await openPage(browser.context, desktop);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.enable');
  // A first visit: nothing in the cache (it stays on, so the page's own preloads count).
  await cdp.send('Network.clearBrowserCache');
  if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
  // Playwright sees the requests of the page and of MapLibre's workers (which fetch the tiles).
  const bytes = {};
  const slowest = {};  // per kind, the longest request (ms from its start to its end)
  let requests = 0;
  page.on('requestfinished', (request) => {
    if (!request.url().startsWith('http')) return;  // blob: and data: URLs are no traffic
    const kind = kindOf(request.url());
    request.response().then((response) => {
      bytes[kind] = (bytes[kind] ?? 0) + Number(response?.headers()['content-length'] ?? 0);
    }).catch(() => {});
    slowest[kind] = Math.max(slowest[kind] ?? 0, Math.round(request.timing().responseEnd));
    requests++;
  });
  await page.goto(`${env.base}/`, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null,
                             {polling: 'raf', timeout: 60000});
  const ms = await page.evaluate(() => performance.now());
  const marks = await page.evaluate(() => Object.fromEntries(
    performance.getEntriesByType('mark').map((m) => [m.name.replace('sasaran:', ''), Math.round(m.startTime)])));
  await new Promise((resolve) => setTimeout(resolve, 500));  // the last sizes
  await cdp.detach();
  await page.close();
  return {ms, bytes, requests, marks, slowest};
}

function kindOf(url) {
  const path = new URL(url).pathname;
  if (path.includes('/tiles/') && path.endsWith('.mvt')) return 'tiles';
  if (path.includes('/tiles/')) return 'tilejson';
  if (path.endsWith('worker.mjs')) return 'worker';
  if (path.endsWith('.js')) return 'app.js';
  if (path.endsWith('.css')) return 'css';
  if (path.endsWith('/') || path.endsWith('.html')) return 'html';
  return 'other';
}

const kb = (n) => `${Math.round(n / 1000)} kB`;
const describe = (v) => `${Math.round(v.ms)} ms (${v.requests} requests; ` +
  Object.entries(v.bytes).map(([k, b]) => `${k} ${kb(b)}`).join(', ') +
  `; marks ${JSON.stringify(v.marks)}; longest request per kind ${JSON.stringify(v.slowest)} ms)`;

test('first view, on this machine and on simulated Fast 3G (printed, not asserted)', async (t) => {
  const quiet = [];
  for (let i = 0; i < 3; i++) quiet.push(await firstView());
  quiet.sort((a, b) => a.ms - b.ms);
  t.diagnostic(`quiet: median ${describe(quiet[1])}`);
  const slow = await firstView(FAST_3G);
  t.diagnostic(`Fast 3G: ${describe(slow)}`);
  assert.ok(slow.ms > 0);
});

// Presses Tab until `selector` (a CSS selector) has the focus; the number of presses.
async function tabTo(page, selector, max = 200) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return n;
  }
  assert.fail(`${selector} not reached in ${max} Tabs`);
}

// An API token, as a GIS user signs in by keyboard: the "Token API" disclosure opened with
// Enter, then its field (the people the page is for sign in with a link, no keys at all).
async function keyboardSignIn(page, token) {
  // The session of an earlier journey is kept in localStorage: end it first (not counted).
  if (await page.getByTestId('signout').isVisible()) {
    await page.getByTestId('signout').click();
    await page.locator('#signin-api > summary').waitFor({state: 'visible'});
    await page.evaluate(() => document.activeElement?.blur());
  }
  let tabs = await tabTo(page, '#signin-api > summary');
  await page.keyboard.press('Enter');
  tabs += await tabTo(page, '[data-testid=signin-token]');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.getByTestId('role').waitFor({state: 'visible'});
  return tabs;
}

test('the collaborator\'s journey by keyboard alone: Tabs per step', async (t) => {
  const page = await openPage(browser.context, desktop);
  await page.goto(`${env.base}/`, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true');
  const steps = [];
  steps.push(['sign-in field', await keyboardSignIn(page, env.tokens.collaborator)]);
  // No pointer: a searched area is where the nearest targets are asked from.
  steps.push(['search', await tabTo(page, '[data-testid=search]')]);
  await page.keyboard.type('bali mester');
  await eventually(() => page.getByTestId('search-result').count(), (n) => n > 0);
  await page.keyboard.press('Enter');
  await eventually(() => page.getByTestId('choose-target').count(), (n) => n > 0);
  steps.push(['first "Pilih"', await tabTo(page, '[data-testid=choose-target]')]);
  const target = await page.evaluate(() => document.activeElement.dataset.targetId);
  await page.keyboard.press('Enter');
  // The focus is on the form's first field; quantity 1 as it stands.
  steps.push(['"Kirim komitmen"', await tabTo(page, '[data-testid=pledge-submit]')]);
  await page.keyboard.press('Enter');
  const done = await eventually(() => messageOf(page, 'pledge'), (m) => m?.kind === 'success');
  assert.equal(done?.kind, 'success');
  const pledge = (await apiOk(`/api/v1/pledges?collaborator=${env.collaborator}`, 'collaborator'))
    .pledges.find((p) => p.target === target && p.status === 'committed');
  assert.ok(pledge, `no active pledge for ${target}`);
  // Cancel it again from "my pledges".
  const cancel = `[data-testid=cancel-pledge][data-pledge-id="${pledge.id}"]`;
  await eventually(() => page.locator(cancel).count(), 1);
  steps.push(['"Batalkan" of the new pledge', await tabTo(page, cancel)]);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'cancel-confirm');
  await page.keyboard.press('Enter');
  const status = () => apiOk(`/api/v1/pledges/${pledge.id}`, 'collaborator').then((p) => p.status);
  assert.equal(await eventually(status, 'cancelled'), 'cancelled');
  const total = steps.reduce((n, [, c]) => n + c, 0);
  t.diagnostic(`collaborator by keyboard: ${steps.map(([s, c]) => `${s} ${c}`).join(', ')}; ${total} Tabs in all`);
  assert.deepEqual(page.problems(signInProbes), []);
});

test('the planner\'s journey by keyboard alone: Tabs per step', async (t) => {
  const page = await openPage(browser.context, desktop);
  await page.goto(`${env.base}/`, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true');
  const steps = [];
  steps.push(['sign-in field', await keyboardSignIn(page, env.tokens.planner)]);
  await eventually(() => page.getByTestId('ranking-row').count(), (n) => n > 0);
  steps.push(['kota filter', await tabTo(page, '[data-testid=ranking-kota]')]);
  steps.push(['"Berikutnya"', await tabTo(page, '[data-testid=ranking-next]')]);
  await page.keyboard.press('Enter');
  await eventually(() => page.getByTestId('ranking-range').getAttribute('data-offset'), '50');
  steps.push(['first row of page 2', await tabTo(page, '[data-testid=ranking-row] button')]);
  // One Tab stop for the whole ranking: the arrow keys go down it.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.closest('tr').dataset.code),
               await page.getByTestId('ranking-row').nth(2).getAttribute('data-code'));
  const code = await page.evaluate(() => document.activeElement.closest('tr').dataset.code);
  await page.keyboard.press('Enter');
  const [w, s, e, n] = (await apiOk(`/api/v1/areas/${code}`)).bbox;
  const centre = await eventually(
    () => page.evaluate(() => window.sasaranMap.isMoving() ? null : window.sasaranMap.getCenter()),
    (c) => c && c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n);
  assert.ok(centre, `the map did not go to ${code}`);
  steps.push(['"Unduh CSV"', await tabTo(page, '[data-testid=export-csv]')]);
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  assert.match((await download).suggestedFilename(), /\.csv$/);
  const total = steps.reduce((n, [, c]) => n + c, 0);
  t.diagnostic(`planner by keyboard: ${steps.map(([s, c]) => `${s} ${c}`).join(', ')}; ${total} Tabs in all`);
  assert.deepEqual(page.problems(signInProbes), []);
});
