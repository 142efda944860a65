// What the browser journeys share: Debian's Chromium driven by playwright-core, the JSON API
// read with the same tokens the page signs in with, the map's state read through
// `window.sasaranMap`, and screenshots left in SASARAN_SCREENSHOTS. run_browser_tests.sh
// starts the server and sets the environment; the page's DOM contract is in README.md here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {chromium} from 'playwright-core';

function required(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run these tests through run_browser_tests.sh`);
  return value;
}

export const env = {
  base: required('SASARAN_BASE_URL'),
  screenshots: required('SASARAN_SCREENSHOTS'),
  chromium: process.env.SASARAN_CHROMIUM || '/usr/bin/chromium',
  tokens: {
    collaborator: required('SASARAN_TOKEN_COLLABORATOR'),
    planner: required('SASARAN_TOKEN_PLANNER'),
    pic: required('SASARAN_TOKEN_PIC'),
    admin: required('SASARAN_TOKEN_ADMIN'),
  },
  collaborator: required('SASARAN_COLLABORATOR_ID'),
  picArea: required('SASARAN_PIC_AREA'),
  // A collaborator token the messages journey revokes with the CLI mid-session.
  revocable: process.env.SASARAN_TOKEN_REVOCABLE || '',
  sasaran: process.env.SASARAN_BIN || '',
  db: process.env.SASARAN_DB || '',
  // Optional: a PIC of kelurahan Slipi, whose offline copy offline.test.mjs measures.
  picSlipiArea: process.env.SASARAN_PIC_SLIPI_AREA || '',
};
if (process.env.SASARAN_TOKEN_PIC_SLIPI) env.tokens.picSlipi = process.env.SASARAN_TOKEN_PIC_SLIPI;
assert.match(env.base, /^http:\/\/127\.0\.0\.1:\d+$/, 'SASARAN_BASE_URL must be http://127.0.0.1:PORT');

export const desktop = {width: 1280, height: 800};
export const phone = {width: 390, height: 844};

// How long the page may take to show what a step changed (loopback, a loaded machine).
export const settle = 15000;

// The flags the machine notes ask for: no sandbox as root, software GL, and nothing that
// reaches for the outside network, which this machine does not have.
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

// A fresh Chromium with its own empty user data dir (playwright passes it as --user-data-dir),
// removed on close. Downloads are kept so the exports can be read.
export async function openBrowser(viewport = desktop) {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'sasaran-chromium-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: env.chromium,
    headless: true,
    args: chromiumArgs,
    viewport,
    acceptDownloads: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
  });
  context.setDefaultTimeout(settle);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userData, {recursive: true, force: true});
    },
  };
}

// A new page of the context, recording console errors and uncaught exceptions. `problems()`
// lists them except those matching `expected` (the browser's own line for a refusal the
// journey provokes, such as a 409).
export async function openPage(context, viewport = desktop) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const seen = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => seen.push(`uncaught: ${e.stack ?? e.message}`));
  page.problems = (expected = []) =>
    seen.filter((line) => !expected.some((re) => re.test(line)));
  return page;
}

// Opens the map and waits for `body[data-ready=true]` (style and first tiles loaded); returns
// the milliseconds from navigation start.
export async function openMap(page) {
  await page.goto(`${env.base}/`, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null,
                             {polling: 'raf', timeout: 90000});  // a machine shared by many builds
  const ms = await page.evaluate(() => performance.now());
  await mapIdle(page);
  return ms;
}

// Resolves when the map has rendered with nothing left to load.
export async function mapIdle(page) {
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.sasaranMap;
    map.once('idle', resolve);
    map.triggerRepaint();
  }));
}

export async function jumpTo(page, lon, lat, zoom) {
  await page.evaluate(([lon, lat, zoom]) => window.sasaranMap.jumpTo({center: [lon, lat], zoom}),
                      [lon, lat, zoom]);
  await mapIdle(page);
}

// Clicks the map where (lon, lat) is drawn and returns the [lon, lat] that MapLibre's click
// event carried (the point the page acts on). Fails when something covers the map there.
export async function clickMapAt(page, lon, lat) {
  const at = await page.evaluate(([lon, lat]) => {
    const map = window.sasaranMap;
    const p = map.project([lon, lat]);
    const box = map.getCanvas().getBoundingClientRect();
    const x = Math.round(box.left + p.x), y = Math.round(box.top + p.y);
    const hit = document.elementFromPoint(x, y);
    window.__sasaranClick = new Promise((resolve) =>
      map.once('click', (e) => resolve(e.lngLat.toArray())));
    return {x, y, onMap: hit === map.getCanvas(),
            hit: hit ? hit.outerHTML.slice(0, 120) : null};
  }, [lon, lat]);
  assert.ok(at.onMap, `(${lon}, ${lat}) is drawn at (${at.x}, ${at.y}), covered by ${at.hit}`);
  await page.mouse.click(at.x, at.y);
  return page.evaluate(() => window.__sasaranClick);
}

// The id of the vector source that reads our tiles (its TileJSON or tile URLs are ours).
export async function tilesSourceId(page) {
  const id = await page.evaluate(() => {
    const sources = window.sasaranMap.getStyle().sources;
    const ours = (u) => typeof u === 'string' && u.includes('/tiles/');
    return Object.keys(sources).find((k) => sources[k].type === 'vector' &&
      (ours(sources[k].url) || (sources[k].tiles ?? []).some(ours))) ?? null;
  });
  assert.ok(id, 'the map has no vector source reading /tiles/');
  return id;
}

// Saves a screenshot of the page as SASARAN_SCREENSHOTS/<name>.png, left after the run.
export async function shot(page, name) {
  fs.mkdirSync(env.screenshots, {recursive: true});
  await page.screenshot({path: path.join(env.screenshots, `${name}.png`)});
}

// The API has no "who am I": the page learns the caller's role, and a PIC's areas, from how it
// answers harmless reads (web/src/role_probe.js, pic_scope.js), and Chromium logs each refusal
// so provoked as a console error. After a sign-in these, and only these, are expected.
export const signInProbes = [
  /status of 403 .*\/api\/v1\/pledges\?collaborator=-\)$/,  // which kind of giver
  /status of 400 .*\/api\/v1\/pledges\)$/,                   // planner or admin
  /status of 403 .*\/api\/v1\/pledges\)$/,                   // pic
  /status of 403 .*\/api\/v1\/audit\?limit=1\)$/,           // planner
  /status of 403 .*\/api\/v1\/pledges\?area=\d+\)$/,         // a PIC's areas
];

// Signs in with the token through the page's form (behind the "API token" disclosure) and
// waits for the role it shows. A page still signed in from an earlier page of the same browser
// (the session is kept in localStorage) signs out first.
export async function signIn(page, token) {
  if (await page.getByTestId('signout').isVisible()) {
    await page.getByTestId('signout').click();
    await page.getByTestId('signout').waitFor({state: 'hidden'});
  }
  await page.locator('#signin-api').evaluate((details) => { details.open = true; });
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin').click();
  await page.getByTestId('role').waitFor({state: 'visible'});
  return eventually(() => page.getByTestId('role').innerText().then((s) => s.trim()),
                    (s) => s !== '');
}

// Polls `read` until its value deep-equals `expected` (or satisfies it, when a function) or
// `timeout` ms pass, and returns the last value read: the caller asserts on it, so a page that
// never gets there fails with the difference.
export async function eventually(read, expected, timeout = settle) {
  const done = typeof expected === 'function' ? expected : (v) => isDeepStrictEqual(v, expected);
  const end = Date.now() + timeout;
  for (;;) {
    let value;
    try {
      value = await read();
    } catch (e) {
      value = `read failed: ${e.message}`;
    }
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The attributes of every element matching the test id, in document order.
export function attributesOf(page, testid, names) {
  return page.getByTestId(testid).evaluateAll(
    (els, names) => els.map((el) => Object.fromEntries(names.map((n) => [n, el.getAttribute(n)]))),
    names);
}

// The JSON API, as the page's caller: `token` names a role of env.tokens (or is undefined
// for anonymous). Returns status, headers and the parsed body.
export async function api(pathAndQuery, {token, method = 'GET', body, headers = {}} = {}) {
  const all = {...headers};
  if (token) all.authorization = `Bearer ${env.tokens[token]}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  const r = await fetch(new URL(pathAndQuery, env.base), {
    method, headers: all, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return {status: r.status, headers: r.headers, body: json};
}

// GET that must answer 200; the body.
export async function apiOk(pathAndQuery, token) {
  const r = await api(pathAndQuery, {token});
  assert.equal(r.status, 200, `GET ${pathAndQuery}: ${JSON.stringify(r.body)}`);
  return r.body;
}

// The page's line of messages of `topic`: {kind, problem, text}, or null when none shows.
export async function messageOf(page, topic) {
  // One read in the page: a line that goes away between two reads (a success clearing itself)
  // would leave a second read waiting for it.
  return page.evaluate((wanted) => {
    const lines = [...document.querySelectorAll('[data-testid=message]')]
      .filter((el) => el.dataset.topic === wanted);
    if (lines.length !== 1) return null;
    const [line] = lines;
    if (line.getClientRects().length === 0 || getComputedStyle(line).visibility === 'hidden') return null;
    return {
      kind: line.getAttribute('data-kind'),
      problem: line.getAttribute('data-problem'),
      text: (line.querySelector('.message-text')?.innerText ?? '').trim(),
    };
  }, topic);
}

// RFC 4180 CSV (quotes, doubled quotes, CRLF or LF) into rows of cells, split at `separator`.
export function parseCsv(text, separator = ',') {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
