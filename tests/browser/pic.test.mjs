// Journey 5: a field PIC signs in with a token scoped to one kelurahan (issue 15's field mode).
// The work list holds the pledges still to deliver of the PIC's own households, each with its
// household, numbered as the dots on the map, sorted by RT (or by distance after "where am I")
// and filtered by RT and status; tapping a dot chooses its row. Households without a location
// are listed to visit, and their location can be recorded. By keyboard alone the first delivery
// takes a few Tabs (printed). A delivery whose first request is lost after the server recorded it
// is retried with the same Idempotency-Key and recorded exactly once. Every value is checked
// against the API read with the same token.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  api, apiOk, attributesOf, clickMapAt, desktop, env, eventually, jumpTo, openBrowser, openMap,
  openPage, phone, shot, signIn, signInProbes, tilesSourceId,
} from './support.mjs';

const area = env.picArea;

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

async function signedInPic() {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.tokens.pic), 'pic');
  return page;
}

// Every target of the scope, as the PIC (or `role`) reads them from the API, page by page.
async function scopeTargets(status = 'any', role = 'pic') {
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await apiOk(`/api/v1/targets?area=${area}&status=${status}&limit=1000` +
                             `&offset=${offset}`, role);
    all.push(...page.targets);
    if (all.length >= page.number_matched) return all;
  }
}

const rtOf = (x) => (x.rt_code || x.declared_rt || '').slice(-3);

// The work the API gives the PIC: pledges of their own exact targets, not cancelled, with their
// households, by RT then target id then pledge id (the order without a position).
async function expectedWork() {
  const own = new Map((await scopeTargets()).filter((x) => x.position === 'exact' &&
                                                          x.kelurahan_code === area)
    .map((x) => [x.id, x]));
  const pledges = (await apiOk(`/api/v1/pledges?area=${area}`, 'pic')).pledges;
  const rows = pledges.filter((p) => p.status !== 'cancelled' && own.has(p.target)).map((p) => ({
    pledge: p.id, target: p.target, rt: rtOf(own.get(p.target)),
    state: p.status === 'delivered' ? 'delivered' : 'todo', household: own.get(p.target), raw: p,
  }));
  rows.sort((a, b) => a.rt.localeCompare(b.rt) || a.target.localeCompare(b.target) ||
                      a.pledge.localeCompare(b.pledge));
  return {own, rows};
}

const listed = (page) => attributesOf(page, 'pic-work', ['data-pledge-id', 'data-target-id',
  'data-number', 'data-state', 'data-rt', 'data-distance-m']).then((rs) => rs.map((r) => ({
  pledge: r['data-pledge-id'], target: r['data-target-id'], number: Number(r['data-number']),
  state: r['data-state'], rt: r['data-rt'], distance: r['data-distance-m'],
})));

const numbered = (rows) => rows.map((r, i) => ({pledge: r.pledge, target: r.target, number: i + 1,
                                                 state: r.state, rt: r.rt}));
const brief = (rows) => rows.map(({pledge, target, number, state, rt}) => ({pledge, target, number,
                                                                             state, rt}));

// The numbered dots drawn from the page's own source, one per pledge.
const dots = (page) => page.evaluate(() => {
  const seen = new Map();
  for (const f of window.sasaranMap.querySourceFeatures('pic-work'))
    seen.set(f.properties.pledge, {pledge: f.properties.pledge, target: f.properties.target,
                                   number: f.properties.number});
  return [...seen.values()].sort((a, b) => a.number - b.number);
});

test('the work list holds the pledges to deliver of the PIC\'s own households, numbered as ' +
     'the dots on the map, with each household\'s details; filters by status and RT', async (t) => {
  const page = await signedInPic();
  const {own, rows} = await expectedWork();
  const todo = numbered(rows.filter((r) => r.state === 'todo'));
  assert.ok(todo.length >= 2, `${area} has fewer than 2 pledges to deliver`);
  const shown = await eventually(() => listed(page).then(brief), todo);
  assert.deepEqual(shown, todo, 'the work list: pledges to deliver, by RT then target id');
  t.diagnostic(`${todo.length} pledges to deliver of ${rows.length} (${own.size} own households)`);
  assert.match(await page.getByTestId('pic-work-order').innerText(), /RT/);

  // The dots: one per row with a location, numbered as the list.
  const located = todo.filter((r) => own.get(r.target).located)
    .map(({pledge, target, number}) => ({pledge, target, number}));
  assert.deepEqual(await eventually(() => dots(page), located), located, 'numbered dots');

  // A row chosen shows its household as the API gives it, and a button naming what it records.
  const first = rows.find((r) => r.pledge === todo[0].pledge);
  await page.locator(`[data-testid=pic-work][data-pledge-id="${first.pledge}"] button`).click();
  const detail = page.getByTestId('pic-work-detail');
  assert.equal(await detail.getAttribute('data-pledge-id'), first.pledge);
  const text = await detail.innerText();
  const h = first.household;
  for (const part of [h.id, `RT ${first.rt}`, `RW ${h.rw_code.slice(-3)}`, `${h.household_size} jiwa`,
    h.need, `P${h.priority}`, first.pledge, first.raw.collaborator])
    assert.ok(text.includes(part), `"${part}" is not in the details: ${text}`);
  assert.equal(await detail.getByTestId('record-delivery').getAttribute('aria-label'),
               `Catat realisasi ${first.pledge} untuk ${first.target}`);
  await shot(page, 'pic-work');

  // A tap on dot 2 chooses row 2.
  const second = rows.find((r) => r.pledge === todo[1].pledge);
  await jumpTo(page, second.household.lon, second.household.lat, 18);
  await clickMapAt(page, second.household.lon, second.household.lat);
  assert.equal(await eventually(() => detail.getAttribute('data-pledge-id'), second.pledge),
               second.pledge, 'the tapped dot chose its row');
  assert.equal(await page.locator('[data-testid=pic-work].selected').getAttribute('data-number'), '2');
  await shot(page, 'pic-work-dot-tapped');

  // Delivered pledges: shown as such, with nothing to record.
  await page.getByTestId('pic-filter-status').selectOption('delivered');
  const delivered = numbered(rows.filter((r) => r.state === 'delivered'));
  assert.deepEqual(await eventually(() => listed(page).then(brief), delivered), delivered);
  if (delivered.length) {
    await page.locator(`[data-testid=pic-work][data-pledge-id="${delivered[0].pledge}"] button`).click();
    assert.equal(await detail.getByTestId('record-delivery').count(), 0);
    assert.equal(await detail.getByTestId('pic-work-done').innerText(), 'sudah disalurkan');
  }
  await page.getByTestId('pic-filter-status').selectOption('all');
  assert.deepEqual(await eventually(() => listed(page).then(brief), numbered(rows)), numbered(rows));

  // One RT only.
  const rt = todo[0].rt;
  await page.getByTestId('pic-filter-status').selectOption('todo');
  await page.getByTestId('pic-filter-rt').selectOption(rt);
  const ofRt = numbered(rows.filter((r) => r.state === 'todo' && r.rt === rt));
  assert.deepEqual(await eventually(() => listed(page).then(brief), ofRt), ofRt);

  await page.setViewportSize(phone);
  await page.getByTestId('view-list').click();  // the phone shows the map or the panels
  await page.getByTestId('pic-work-card').scrollIntoViewIfNeeded();
  await shot(page, 'pic-work-phone');
  assert.deepEqual(page.problems(signInProbes), []);
});

// Each target as an admin sees it (exact, with its kelurahan), fetched 20 at a time.
async function adminViews(ids) {
  const out = new Map();
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(ids.slice(i, i + 20).map(async (id) => {
      out.set(id, await apiOk(`/api/v1/targets/${encodeURIComponent(id)}`, 'admin'));
    }));
  }
  return out;
}

test('the map\'s target points are exact only over the PIC\'s scope', async (t) => {
  const page = await signedInPic();
  await page.getByTestId('pic-work').first().waitFor();
  // At a zoom with one point per target, over the middle of the scope.
  const [w, s, e, n] = (await apiOk(`/api/v1/areas/${area}`)).bbox;
  await jumpTo(page, (w + e) / 2, (s + n) / 2, 15);
  const source = await tilesSourceId(page);
  const points = await page.evaluate((source) => window.sasaranMap.querySourceFeatures(source, {
    sourceLayer: 'targets', filter: ['==', ['get', 'kind'], 'target'],
  }).map((f) => ({id: String(f.properties.id), position: f.properties.position})), source);
  // Exact points are checked one by one; the coarse ones against the scope's targets as an
  // admin lists them (one request instead of thousands).
  const exactIds = [...new Set(points.filter((p) => p.position === 'exact').map((p) => p.id))];
  const exactViews = await adminViews(exactIds);
  const scopeIds = new Set((await scopeTargets('any', 'admin')).map((x) => x.id));
  // The scope is rounded out to whole ~100 m cells (docs/privacy.md): a target of a
  // neighbouring kelurahan is exact too when its cell reaches into the scope, so at least its
  // cell must meet the scope's box.
  const CELL = 0.0009;
  const cellMeetsScope = (v) => {
    const x = Math.floor(v.lon / CELL) * CELL, y = Math.floor(v.lat / CELL) * CELL;
    return x <= e && x + CELL >= w && y <= n && y + CELL >= s;
  };
  const wrongOnMap = points.filter((p) => p.position === 'exact'
    ? exactViews.get(p.id).kelurahan_code !== area && !cellMeetsScope(exactViews.get(p.id))
    : scopeIds.has(p.id));
  assert.deepEqual(wrongOnMap, [], 'map points with the wrong position');
  const exactOnMap = points.filter((p) => p.position === 'exact').length;
  t.diagnostic(`${points.length} target points on the map, ${exactOnMap} exact`);
  assert.ok(exactOnMap > 0, 'no exact target point on the map over the scope');
  await shot(page, 'pic-map');
  assert.deepEqual(page.problems(signInProbes), []);
});

test('"where am I" names the place and sorts the work list by distance from it', async () => {
  // A point in Bali Mester (lookup.test.mjs checks it is), the default PIC scope.
  const here = {longitude: 106.8655, latitude: -6.2165};
  await browser.context.grantPermissions(['geolocation'], {origin: env.base});
  await browser.context.setGeolocation(here);
  const page = await signedInPic();
  await page.getByTestId('pic-work').first().waitFor();
  await page.getByTestId('where-am-i').click();
  const where = await apiOk(`/api/v1/lookup?lon=${here.longitude}&lat=${here.latitude}`);
  const shown = () => Promise.all(['place-kelurahan', 'place-rw'].map(
    (id) => page.getByTestId(id).getAttribute('data-code')));
  const expected = [where.kelurahan.code, where.rw.code];
  assert.deepEqual(await eventually(shown, expected), expected);

  // Haversine on the mean Earth radius, as the page: nearest first, metres rounded.
  const {own, rows} = await expectedWork();
  const rad = Math.PI / 180;
  const metres = (x) => {
    const dLat = (x.lat - here.latitude) * rad, dLon = (x.lon - here.longitude) * rad;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(here.latitude * rad) * Math.cos(x.lat * rad) *
              Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  };
  const todo = rows.filter((r) => r.state === 'todo' && own.get(r.target).located)
    .map((r) => ({...r, m: metres(own.get(r.target))}))
    .sort((a, b) => a.m - b.m || a.rt.localeCompare(b.rt) || a.target.localeCompare(b.target));
  const expectedOrder = todo.map((r) => `${r.pledge} ${Math.round(r.m)}`);
  const order = () => listed(page).then((rs) => rs.filter((r) => r.distance !== '')
    .map((r) => `${r.pledge} ${r.distance}`));
  assert.deepEqual(await eventually(order, expectedOrder), expectedOrder);
  assert.match(await page.getByTestId('pic-work-order').innerText(), /terdekat/);
  await shot(page, 'pic-where-am-i');
  assert.deepEqual(page.problems(signInProbes), []);
});

test('households without a location are listed to visit, and their location is recorded on ' +
     'the visit', async (t) => {
  const page = await signedInPic();
  await page.getByTestId('pic-work').first().waitFor();
  const {own} = await expectedWork();
  const unlocated = [...own.values()].filter((x) => !x.located).map((x) => x.id).sort();
  assert.ok(unlocated.length > 0, `${area} has no household without a location: pick another scope`);
  await page.getByTestId('pic-visits-title').click();
  const items = () => attributesOf(page, 'pic-visit', ['data-target-id']).then(
    (rs) => rs.map((r) => r['data-target-id']).sort());
  assert.deepEqual(await eventually(items, unlocated), unlocated);
  const first = own.get(unlocated[0]);
  const item = page.locator(`[data-testid=pic-visit][data-target-id="${first.id}"]`);
  const text = await item.innerText();
  assert.ok(text.includes('lokasi belum tercatat') && !text.includes('tepat'), text);
  for (const part of [`RT ${first.declared_rt.slice(-3)}`, `${first.household_size} jiwa`, first.need])
    assert.ok(text.includes(part), `"${part}" is not in: ${text}`);

  // On the visit: the device's position, confirmed, then sent.
  const here = {longitude: 106.8655, latitude: -6.2165};
  await browser.context.grantPermissions(['geolocation'], {origin: env.base});
  await browser.context.setGeolocation(here);
  await item.getByTestId('locate-here').click();
  const confirm = item.getByTestId('locate-confirm');
  assert.deepEqual([await confirm.getAttribute('data-lon'), await confirm.getAttribute('data-lat')],
                   [String(here.longitude), String(here.latitude)]);
  await shot(page, 'pic-visit-confirm');
  // The device's fix may be off: the PIC taps the house on the map instead.
  await confirm.getByTestId('locate-on-map').click();
  await jumpTo(page, here.longitude, here.latitude, 17);
  const [lon, lat] = (await clickMapAt(page, here.longitude, here.latitude))
    .map((v) => Math.round(v * 1e6) / 1e6);
  assert.deepEqual([await confirm.getAttribute('data-lon'), await confirm.getAttribute('data-lat')],
                   [String(lon), String(lat)]);
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/v1/targets/${first.id}/location`));
  await confirm.getByTestId('locate-save').click();
  const answer = await answered;
  const sent = answer.request();
  const key = await sent.headerValue('idempotency-key');
  assert.ok(key, 'the request has an Idempotency-Key');
  assert.deepEqual(JSON.parse(sent.postData()), {lon, lat});
  if (answer.status() === 404 || answer.status() === 405) {
    t.skip('this server has no POST /api/v1/targets/{id}/location yet (branch f15-locate)');
    return;
  }
  assert.equal(answer.status(), 200, await answer.text());
  const now = await apiOk(`/api/v1/targets/${first.id}`, 'pic');
  assert.deepEqual([now.located, now.lon, now.lat], [true, lon, lat]);
  assert.deepEqual(await eventually(items, unlocated.slice(1)), unlocated.slice(1), 'visited');
  // The same write again with its key is replayed; another point is refused.
  const again = await api(`/api/v1/targets/${first.id}/location`, {
    token: 'pic', method: 'POST', body: {lon, lat}, headers: {'idempotency-key': key}});
  assert.deepEqual([again.status, again.headers.get('idempotent-replayed')], [200, 'true']);
  const other = await api(`/api/v1/targets/${first.id}/location`, {
    token: 'pic', method: 'POST', body: {lon: 106.866, lat: -6.2166}});
  assert.equal(other.status, 409);
  assert.equal(other.body.type, 'urn:sasaran:problem:target-already-located');
  assert.deepEqual(page.problems(signInProbes), []);
});

test('by keyboard alone, the first delivery takes a few Tabs from sign-in', async (t) => {
  const page = await signedInPic();
  await page.getByTestId('pic-work').first().waitFor();
  const firstPledge = await page.getByTestId('pic-work').first().getAttribute('data-pledge-id');
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    return el?.dataset.testid || el?.className || el?.tagName;
  });
  let tabs = 0;
  const path = [];
  const tabUntil = async (wanted) => {
    for (let i = 0; i < 80; i++) {
      if (wanted(await focused())) return;
      await page.keyboard.press('Tab');
      tabs++;
      path.push(await focused());
    }
    assert.fail(`80 Tabs without reaching it (now on ${await focused()})`);
  };
  await tabUntil((f) => f === 'work-row');
  // The list is one Tab stop; the arrow keys move between its rows.
  const row = () => page.evaluate(() => document.activeElement.closest('[data-testid=pic-work]')
    ?.dataset.number);
  assert.equal(await row(), '1');
  await page.keyboard.press('ArrowDown');
  assert.equal(await row(), '2');
  await page.keyboard.press('ArrowUp');
  assert.equal(await row(), '1');
  await page.keyboard.press('Enter');
  await tabUntil((f) => f === 'record-delivery');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'delivered_by');
  await page.keyboard.press('Enter');
  t.diagnostic(`Tabs from sign-in to the first delivery: ${tabs} (${path.join(', ')})`);
  const held = await eventually(() => apiOk(`/api/v1/pledges/${firstPledge}`, 'admin'),
                                (p) => p.status === 'delivered');
  assert.equal(held.status, 'delivered');
  assert.equal(held.realizations.length, 1);
  await shot(page, 'pic-keyboard-delivered');
  assert.deepEqual(page.problems(signInProbes), []);
});

test('a delivery whose first request is lost after the server recorded it is retried with the ' +
     'same Idempotency-Key and recorded exactly once', async (t) => {
  // A pledge to deliver: a collaborator pledges for an open located target of the scope.
  const open = (await scopeTargets('open')).find((x) => x.located);
  assert.ok(open, `no open located target in ${area}`);
  const made = await api('/api/v1/pledges', {token: 'collaborator', method: 'POST',
                                             body: {target: open.id, form: 'uang', amount_idr: 250000}});
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const pledge = made.body.id;

  const page = await signedInPic();
  // As a PIC would, wait for their area to be shown before using the form.
  await page.getByTestId('pic-work').first().waitFor();
  // The first POST reaches the server, which records the delivery; its answer is dropped.
  const calls = [];
  await page.route('**/api/v1/pledges/*/realizations', async (route) => {
    const request = route.request();
    const call = {key: await request.headerValue('idempotency-key'), method: request.method()};
    calls.push(call);
    if (calls.length === 1) {
      const reached = await route.fetch();
      call.status = reached.status();
      call.answer = await reached.text();
      await route.abort('failed');
    } else {
      await route.continue();
    }
  });
  const replayed = page.waitForResponse(
    (r) => r.url().endsWith(`/api/v1/pledges/${pledge}/realizations`) && r.status() < 500,
    {timeout: 60000});

  const form = page.getByTestId('delivery-form');
  await form.locator('input[name=pledge]').fill(pledge);
  await form.getByTestId('delivery-submit').click();
  // No answer: the delivery waits in the queue with its key, and the page sends it again.
  const queued = await eventually(() => page.getByTestId('delivery-queue').evaluate((el) =>
    [...el.querySelectorAll('[data-testid=queue-item]')].map((x) => x.dataset.subject)), [pledge]);
  assert.deepEqual(queued, [pledge], 'the delivery waits in the queue');
  await shot(page, 'pic-delivery-queued');
  const second = await replayed;
  await shot(page, 'pic-delivery-recorded');

  assert.equal(calls.length, 2, `${calls.length} requests: ${JSON.stringify(calls)}`);
  assert.deepEqual(calls.map((c) => c.method), ['POST', 'POST']);
  assert.equal(calls[0].status, 201, `the server's answer to the first request: ${calls[0].answer}`);
  assert.ok(calls[0].key, 'the request has an Idempotency-Key');
  assert.equal(calls[1].key, calls[0].key, 'the retry reuses the Idempotency-Key');
  assert.equal(second.status(), 201);
  assert.equal(await second.headerValue('idempotent-replayed'), 'true');

  const held = await apiOk(`/api/v1/pledges/${pledge}`, 'admin');
  assert.equal(held.status, 'delivered');
  assert.equal(held.realizations.length, 1, JSON.stringify(held.realizations));
  const audit = await apiOk('/api/v1/audit?limit=1000', 'admin');
  assert.equal(audit.entries.filter((x) => x.action === 'pledge.realize' && x.subject === pledge)
    .length, 1, 'audit entries of the delivery');

  const message = () => page.getByTestId('message').evaluate(
    (el) => ({kind: el.dataset.kind, visible: el.checkVisibility()}));
  assert.deepEqual(await eventually(message, {kind: 'success', visible: true}),
                   {kind: 'success', visible: true});
  assert.deepEqual(page.problems([...signInProbes, /net::ERR_FAILED/]), []);
});
