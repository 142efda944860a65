// The field PIC without a connection (issue 15): "Simpan untuk luar jaringan" stores the page and
// what the API gave this PIC (their session, area, households, pledges, tiles) for a service
// worker; without a connection the PIC records two deliveries, which are queued with their
// Idempotency-Keys; the page reloads from the service worker; when the connection returns each
// delivery lands exactly once, also when the answer to a resend is lost. The copy is given only
// to requests with the PIC's token, expires, and is deleted on sign-out. Prints the bytes of the
// offline copy (Bali Mester, and kelurahan Slipi when the run made a token for it).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  api, apiOk, attributesOf, desktop, env, eventually, openBrowser, openMap, openPage, phone, shot,
  signIn, signInProbes,
} from './support.mjs';

const area = env.picArea;
const CACHE = 'sasaran-offline-v1';
const DAY_MS = 24 * 60 * 60 * 1000;
// Lines Chromium logs for what this journey provokes: requests without a connection, and the
// answer to a resend that the test drops.
const offlineLines = [/net::ERR_INTERNET_DISCONNECTED/, /net::ERR_FAILED/, /Failed to fetch/];

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

async function scopeTargets(status, role = 'pic') {
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await apiOk(`/api/v1/targets?area=${area}&status=${status}&limit=1000` +
                             `&offset=${offset}`, role);
    all.push(...page.targets);
    if (all.length >= page.number_matched) return all;
  }
}

// A collaborator pledges for `count` open located targets of the scope: pledges to deliver.
async function newPledges(count) {
  const open = (await scopeTargets('open')).filter((x) => x.located && x.position === 'exact' &&
                                                         x.kelurahan_code === area);
  const made = [];
  for (const target of open.slice(0, count)) {
    const r = await api('/api/v1/pledges', {token: 'collaborator', method: 'POST',
                                            body: {target: target.id, form: 'barang', quantity: 2}});
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.push({pledge: r.body.id, target: target.id});
  }
  assert.equal(made.length, count, `fewer than ${count} open located targets in ${area}`);
  return made;
}

const offlineStatus = (page) => page.getByTestId('offline-status').evaluate((el) => ({
  visible: el.checkVisibility(), ...el.dataset,
}));

async function saveForOffline(page) {
  await page.getByTestId('offline-save').click();
  const status = await eventually(() => offlineStatus(page), (s) => s.visible && s.bytes, 60000);
  assert.ok(status.visible && status.bytes, `the offline copy was not saved: ${JSON.stringify(status)}`);
  return status;
}

// What the copy holds, read in the page: each URL with the size of its body.
function cachedEntries(page) {
  return page.evaluate(async (name) => {
    if (!(await caches.has(name))) return null;
    const cache = await caches.open(name);
    const out = [];
    for (const request of await cache.keys())
      out.push({url: request.url, bytes: (await (await cache.match(request)).arrayBuffer()).byteLength});
    return out;
  }, CACHE);
}

async function recordDelivery(page, pledge) {
  const row = page.locator(`[data-testid="pic-work"][data-pledge-id="${pledge}"] button`);
  await row.click();
  const record = page.getByTestId('pic-work-detail').getByTestId('record-delivery');
  assert.equal(await record.getAttribute('data-pledge-id'), pledge);
  await record.click();
  assert.equal(await page.locator('[data-testid=delivery-form] input[name=pledge]').inputValue(), pledge);
  await page.getByTestId('delivery-submit').click();
}

const queueShown = (page) => page.getByTestId('delivery-queue').evaluate((el) => ({
  count: Number(el.dataset.count ?? 0),
  items: [...el.querySelectorAll('[data-testid=queue-item]')].map((x) => x.dataset.subject),
}));

const workStates = (page) => attributesOf(page, 'pic-work', ['data-pledge-id', 'data-state']).then(
  (rows) => Object.fromEntries(rows.map((r) => [r['data-pledge-id'], r['data-state']])));

test('saved for offline, two deliveries recorded without a connection are queued, the page ' +
     'reloads from the service worker, and each delivery lands exactly once', async (t) => {
  const [a, b] = await newPledges(2);
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.tokens.pic), 'pic');
  const listed = await eventually(() => workStates(page), (s) => s[a.pledge] && s[b.pledge]);
  assert.deepEqual([listed[a.pledge], listed[b.pledge]], ['todo', 'todo']);

  // The copy: the page, the PIC's session, area, households, pledges and tiles, as the API gives
  // them to this PIC now.
  const status = await saveForOffline(page);
  await shot(page, 'offline-saved');
  const entries = await cachedEntries(page);
  const meta = entries.find((e) => e.url.endsWith('/offline-meta.json'));
  const bodies = entries.filter((e) => e !== meta);
  assert.equal(bodies.reduce((sum, e) => sum + e.bytes, 0), Number(status.bytes),
               'the bytes shown are the sum of the stored bodies');
  const urls = bodies.map((e) => e.url.slice(env.base.length));
  for (const expected of ['/', '/app.js', '/api/v1/me', `/api/v1/areas/${area}`,
    `/api/v1/pledges?area=${area}`, `/api/v1/targets?area=${area}&limit=1000&offset=0`])
    assert.ok(urls.includes(expected), `${expected} is not in the copy: ${urls.join(' ')}`);
  const tiles = urls.filter((u) => /^\/tiles\/kelurahan,rw,targets\/\d+\/\d+\/\d+\.mvt$/.test(u));
  assert.equal(tiles.length, Number(status.tiles));
  assert.deepEqual([...new Set(tiles.map((u) => Number(u.split('/')[3])))].sort((x, y) => x - y),
                   [12, 13, 14, 15, 16]);
  assert.equal(Date.parse(status.expiresAt) - Date.parse(status.savedAt), DAY_MS, 'valid 24 h');
  const when = new Intl.DateTimeFormat('id-ID', {day: 'numeric', month: 'short', hour: '2-digit',
                                                 minute: '2-digit', timeZone: 'Asia/Jakarta'});
  const said = await page.getByTestId('offline-status').innerText();
  assert.ok(said.startsWith(`Tersimpan ${when.format(new Date(status.savedAt))}, berlaku sampai ` +
                            `${when.format(new Date(status.expiresAt))} (`), said);
  const kinds = JSON.parse(status.bytesByKind);
  t.diagnostic(`offline copy of ${area}: ${status.bytes} bytes in ${status.files} files ` +
               `(page ${kinds.page}, data ${kinds.data}, ${status.tiles} tiles ${kinds.tiles})`);
  const storedPledges = await page.evaluate(async ([name, url]) =>
    (await (await caches.open(name)).match(url, {ignoreVary: true})).json(), [CACHE, `${env.base}/api/v1/pledges?area=${area}`]);
  assert.deepEqual(storedPledges, await apiOk(`/api/v1/pledges?area=${area}`, 'pic'));

  // Keys and answers of every delivery request, from the page and from its service worker.
  const posts = [];
  browser.context.on('request', (r) => {
    const m = /\/api\/v1\/pledges\/(P\d+)\/realizations$/.exec(r.url());
    if (m && r.method() === 'POST') posts.push({pledge: m[1], key: r.headers()['idempotency-key']});
  });
  const answers = [];
  browser.context.on('response', (r) => {
    const m = /\/api\/v1\/pledges\/(P\d+)\/realizations$/.exec(r.url());
    if (m) answers.push({pledge: m[1], status: r.status(), replayed: r.headers()['idempotent-replayed'] ?? ''});
  });

  await browser.context.setOffline(true);
  // The copy is given only with the PIC's token.
  const probe = (path, token) => page.evaluate(async ([path, token]) => {
    try {
      return (await fetch(path, {headers: token ? {Authorization: `Bearer ${token}`} : {}})).status;
    } catch {
      return 'no answer';
    }
  }, [path, token]);
  assert.deepEqual(await Promise.all([probe(`api/v1/pledges?area=${area}`, env.tokens.pic),
    probe(`api/v1/pledges?area=${area}`, env.tokens.admin), probe(`api/v1/pledges?area=${area}`, ''),
    probe('api/v1/me', '')]), [200, 'no answer', 'no answer', 'no answer']);

  await recordDelivery(page, a.pledge);
  assert.deepEqual(await eventually(() => queueShown(page), {count: 1, items: [a.pledge]}),
                   {count: 1, items: [a.pledge]});
  await recordDelivery(page, b.pledge);
  assert.deepEqual(await eventually(() => queueShown(page), {count: 2, items: [a.pledge, b.pledge]}),
                   {count: 2, items: [a.pledge, b.pledge]});
  await page.getByTestId('pic-filter-status').selectOption('all');
  const queuedStates = await workStates(page);
  assert.deepEqual([queuedStates[a.pledge], queuedStates[b.pledge]], ['queued', 'queued']);
  await shot(page, 'offline-queued');
  for (const {pledge} of [a, b]) {
    const held = await apiOk(`/api/v1/pledges/${pledge}`, 'admin');
    assert.deepEqual([held.status, held.realizations.length], ['committed', 0], 'nothing sent yet');
  }

  // Reloaded without a connection: the page, the map and the work list come from the copy.
  const reloaded = await page.reload({waitUntil: 'domcontentloaded'});
  assert.equal(reloaded.fromServiceWorker(), true, 'the page came from the service worker');
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null, {timeout: 30000});
  assert.equal(await eventually(() => page.getByTestId('role').innerText(), 'pic'), 'pic');
  assert.deepEqual(await eventually(() => queueShown(page), {count: 2, items: [a.pledge, b.pledge]}),
                   {count: 2, items: [a.pledge, b.pledge]});
  await page.getByTestId('pic-filter-status').selectOption('all');
  const afterReload = await eventually(() => workStates(page), (s) => s[a.pledge] === 'queued');
  assert.deepEqual([afterReload[a.pledge], afterReload[b.pledge]], ['queued', 'queued']);
  const mapTiles = await page.evaluate(() => window.sasaranMap.querySourceFeatures('sasaran',
    {sourceLayer: 'kelurahan'}).length);
  assert.ok(mapTiles > 0, 'the map of the area is drawn from the copy');
  await shot(page, 'offline-reloaded');
  await page.setViewportSize(phone);
  await shot(page, 'offline-reloaded-phone');
  await page.getByTestId('view-list').click();
  await page.getByTestId('delivery-queue').scrollIntoViewIfNeeded();
  await shot(page, 'offline-reloaded-phone-list');
  await page.setViewportSize(desktop);

  // The connection returns; the answer to B's first resend is lost after the server recorded it.
  let lostB = null;
  await browser.context.route(`**/api/v1/pledges/${b.pledge}/realizations`, async (route) => {
    if (lostB) return route.continue();
    const reached = await route.fetch();
    lostB = {status: reached.status()};
    return route.abort('failed');
  });
  await browser.context.setOffline(false);
  const first = await eventually(() => queueShown(page), {count: 1, items: [b.pledge]}, 30000);
  assert.deepEqual(first, {count: 1, items: [b.pledge]}, 'A sent, B kept after its lost answer');
  assert.deepEqual(lostB, {status: 201}, 'the server recorded B before its answer was lost');
  // The next time the connection returns, B is sent again with its key and replayed.
  await browser.context.setOffline(true);
  await browser.context.setOffline(false);
  assert.deepEqual(await eventually(() => queueShown(page), {count: 0, items: []}, 30000),
                   {count: 0, items: []});

  for (const {pledge} of [a, b]) {
    const held = await apiOk(`/api/v1/pledges/${pledge}`, 'admin');
    assert.equal(held.status, 'delivered', pledge);
    assert.equal(held.realizations.length, 1, `${pledge}: ${JSON.stringify(held.realizations)}`);
  }
  const audit = await apiOk('/api/v1/audit?limit=1000', 'admin');
  for (const {pledge} of [a, b])
    assert.equal(audit.entries.filter((x) => x.action === 'pledge.realize' && x.subject === pledge).length,
                 1, `audit entries of ${pledge}`);
  // One key per delivery, the same on every attempt; no refusal on any resend.
  const keys = (pledge) => [...new Set(posts.filter((p) => p.pledge === pledge).map((p) => p.key))];
  assert.equal(keys(a.pledge).length, 1, JSON.stringify(posts));
  assert.equal(keys(b.pledge).length, 1, JSON.stringify(posts));
  assert.ok(keys(a.pledge)[0] && keys(a.pledge)[0] !== keys(b.pledge)[0], 'a key of its own each');
  assert.ok(posts.filter((p) => p.pledge === b.pledge).length >= 3, 'B: offline, lost, replayed');
  assert.deepEqual(answers, [{pledge: a.pledge, status: 201, replayed: ''},
    {pledge: b.pledge, status: 201, replayed: 'true'}], 'A recorded; B replayed, not refused');
  t.diagnostic(`delivery requests: ${posts.length}, answers: ${answers.length}`);

  await page.getByTestId('pic-filter-status').selectOption('all');
  const done = await eventually(() => workStates(page),
                                (s) => s[a.pledge] === 'delivered' && s[b.pledge] === 'delivered');
  assert.deepEqual([done[a.pledge], done[b.pledge]], ['delivered', 'delivered']);
  await shot(page, 'offline-sent');

  // Signing out deletes the copy, its service worker and the queue.
  await page.getByTestId('signout').click();
  await page.getByTestId('signout').waitFor({state: 'hidden'});
  const left = () => page.evaluate(async (name) => ({
    cache: await caches.has(name),
    worker: Boolean(await navigator.serviceWorker.getRegistration()),
  }), CACHE);
  assert.deepEqual(await eventually(left, {cache: false, worker: false}), {cache: false, worker: false});
  assert.deepEqual(page.problems([...signInProbes, ...offlineLines]), []);
});

test('a queued delivery the server refuses (its pledge was cancelled meanwhile) leaves the queue ' +
     'with the refusal shown, and the next one still lands', async () => {
  const [c, d] = await newPledges(2);
  const own = await openBrowser();
  try {
    const page = await openPage(own.context, desktop);
    await openMap(page);
    assert.equal(await signIn(page, env.tokens.pic), 'pic');
    await eventually(() => workStates(page), (s) => s[c.pledge] && s[d.pledge]);
    await own.context.setOffline(true);
    await recordDelivery(page, c.pledge);
    await recordDelivery(page, d.pledge);
    assert.deepEqual(await eventually(() => queueShown(page), {count: 2, items: [c.pledge, d.pledge]}),
                     {count: 2, items: [c.pledge, d.pledge]});
    // Meanwhile the collaborator cancels C.
    const cancelled = await api(`/api/v1/pledges/${c.pledge}/cancel`, {token: 'collaborator', method: 'POST'});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await own.context.setOffline(false);
    assert.deepEqual(await eventually(() => queueShown(page), {count: 0, items: []}, 30000),
                     {count: 0, items: []});
    const held = await Promise.all([c, d].map((x) => apiOk(`/api/v1/pledges/${x.pledge}`, 'admin')));
    assert.deepEqual(held.map((p) => [p.id, p.status, p.realizations.length]),
                     [[c.pledge, 'cancelled', 0], [d.pledge, 'delivered', 1]]);
    // The refusal stays listed under the queue, said in the page's language.
    const refusedShown = await page.getByTestId('queue-refused').evaluateAll((els) =>
      els.map((el) => ({subject: el.dataset.subject, text: el.textContent})));
    await shot(page, 'offline-refused');
    assert.equal(refusedShown.length, 1, JSON.stringify(refusedShown));
    assert.equal(refusedShown[0].subject, c.pledge);
    // "already cancelled" once the server names its problem type (decision 1), else the status.
    assert.match(refusedShown[0].text, new RegExp(`^Penyaluran ${c.pledge}: ` +
      '(komitmen ini sudah dibatalkan; tidak perlu disalurkan|ditolak \\(HTTP 409: .*\\))$'));
    assert.deepEqual(page.problems([...signInProbes, ...offlineLines, /status of 409/]), []);
  } finally {
    await own.close();
  }
});

test('an expired offline copy is not served and is deleted', async () => {
  const own = await openBrowser();
  try {
    const page = await openPage(own.context, desktop);
    await openMap(page);
    assert.equal(await signIn(page, env.tokens.pic), 'pic');
    await page.getByTestId('pic-work-card').waitFor();
    await saveForOffline(page);
    // The copy's validity, set in the past as if a day had gone by.
    await page.evaluate(async ([name, url]) => {
      const cache = await caches.open(name);
      const meta = await (await cache.match(url)).json();
      meta.expires_at = new Date(Date.now() - 1000).toISOString();
      await cache.put(url, new Response(JSON.stringify(meta), {headers: {'Content-Type': 'application/json'}}));
    }, [CACHE, `${env.base}/offline-meta.json`]);
    await own.context.setOffline(true);
    // The worker finds the copy expired, deletes it and has nothing to give: no page.
    await assert.rejects(page.reload({waitUntil: 'domcontentloaded'}), /net::ERR_(FAILED|INTERNET_DISCONNECTED)/);
    await own.context.setOffline(false);
    await openMap(page);
    assert.equal(await page.evaluate((name) => caches.has(name), CACHE), false, 'the expired copy is gone');
  } finally {
    await own.close();
  }
});

test('a copy made for one PIC is deleted when another token signs in on the same browser',
  {skip: !env.tokens.picSlipi && 'no second PIC token'}, async () => {
    const own = await openBrowser();
    try {
      const page = await openPage(own.context, desktop);
      await openMap(page);
      assert.equal(await signIn(page, env.tokens.pic), 'pic');
      await page.getByTestId('pic-work-card').waitFor();
      await saveForOffline(page);
      // The tab forgets its session without signing out (as a closed tab would), and another
      // PIC signs in.
      await page.evaluate(() => sessionStorage.clear());
      await openMap(page);
      assert.equal(await signIn(page, env.tokens.picSlipi), 'pic');
      const left = () => page.evaluate((name) => caches.has(name), CACHE);
      assert.equal(await eventually(left, false), false, 'the other PIC\'s copy is gone');
      assert.equal(await page.getByTestId('offline-status').isVisible(), false);
    } finally {
      await own.close();
    }
  });

test('a household\'s location recorded without a connection is queued and sent once when the ' +
     'connection returns', {skip: !env.tokens.picSlipi && 'no Slipi token'}, async (t) => {
  // Slipi (its PIC token) has households without a location; Bali Mester's one is pic.test's.
  const slipi = env.picSlipiArea;
  const here = {longitude: 106.80189, latitude: -6.19536};
  assert.equal((await apiOk(`/api/v1/lookup?lon=${here.longitude}&lat=${here.latitude}`)).kelurahan.code,
               slipi, 'the point is in Slipi');
  const own = await openBrowser();
  try {
    await own.context.grantPermissions(['geolocation'], {origin: env.base});
    await own.context.setGeolocation(here);
    const page = await openPage(own.context, desktop);
    await openMap(page);
    assert.equal(await signIn(page, env.tokens.picSlipi), 'pic');
    await page.getByTestId('pic-work').first().waitFor({timeout: 30000});
    await page.getByTestId('pic-visits-title').click();
    const item = page.getByTestId('pic-visit').first();
    await item.waitFor();
    const id = await item.getAttribute('data-target-id');
    const before = await apiOk(`/api/v1/targets/${id}`, 'picSlipi');
    assert.equal(before.located, false);
    const posts = [];
    own.context.on('request', (r) => {
      if (r.url().endsWith(`/api/v1/targets/${id}/location`) && r.method() === 'POST')
        posts.push({key: r.headers()['idempotency-key'], body: r.postData()});
    });
    const answers = [];
    own.context.on('response', (r) => {
      if (r.url().endsWith(`/api/v1/targets/${id}/location`)) answers.push(r.status());
    });

    await own.context.setOffline(true);
    await item.getByTestId('locate-here').click();
    await item.getByTestId('locate-save').click();
    assert.deepEqual(await eventually(() => queueShown(page), {count: 1, items: [id]}), {count: 1, items: [id]});
    assert.match(await page.locator(`[data-testid=pic-visit][data-target-id="${id}"]`).innerText(),
                 /lokasi tersimpan, menunggu sinyal/);
    await shot(page, 'offline-location-queued');
    await own.context.setOffline(false);
    assert.deepEqual(await eventually(() => queueShown(page), (q) => q.count === 0, 30000),
                     {count: 0, items: []});
    assert.ok(posts.length >= 2 && posts.every((p) => p.key && p.key === posts[0].key), JSON.stringify(posts));
    assert.deepEqual(JSON.parse(posts[0].body), {lon: here.longitude, lat: here.latitude});
    if (answers.every((s) => s === 404 || s === 405)) {
      t.skip('this server has no POST /api/v1/targets/{id}/location yet (branch f15-locate)');
      return;
    }
    assert.deepEqual(answers, [200]);
    const after = await apiOk(`/api/v1/targets/${id}`, 'picSlipi');
    assert.deepEqual([after.located, after.lon, after.lat], [true, here.longitude, here.latitude]);
    assert.deepEqual(page.problems([...signInProbes, ...offlineLines]), []);
  } finally {
    await own.close();
  }
});

test('measure: the offline copy of kelurahan Slipi', {skip: !env.tokens.picSlipi && 'no Slipi token'},
  async (t) => {
    const own = await openBrowser(phone);
    try {
      const page = await openPage(own.context, phone);
      await openMap(page);
      // The phone shows the map or the panels; a PIC's sign-in shows their area on the map.
      await page.getByTestId('view-list').click();
      await page.locator('#signin-api').evaluate((details) => { details.open = true; });
      await page.getByTestId('signin-token').fill(env.tokens.picSlipi);
      await page.getByTestId('signin').click();
      assert.equal(await eventually(() => page.getByTestId('role').getAttribute('data-role'), 'pic'), 'pic');
      // The area's outline is shown on the map first; then back to the panels.
      await page.getByTestId('pic-work').first().waitFor({state: 'attached', timeout: 30000});
      await page.getByTestId('view-list').click();
      const status = await saveForOffline(page);
      const entries = await cachedEntries(page);
      const sum = entries.filter((e) => !e.url.endsWith('/offline-meta.json')).reduce((s, e) => s + e.bytes, 0);
      assert.equal(sum, Number(status.bytes));
      const kinds = JSON.parse(status.bytesByKind);
      t.diagnostic(`offline copy of Slipi (${env.picSlipiArea}): ${status.bytes} bytes in ${status.files} ` +
                   `files (page ${kinds.page}, data ${kinds.data}, ${status.tiles} tiles ${kinds.tiles})`);
      await shot(page, 'offline-slipi-phone');
    } finally {
      await own.close();
    }
  });
