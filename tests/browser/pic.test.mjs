// Journey 5: a field PIC signs in with a token scoped to one kelurahan. Targets show at exact
// positions inside that scope and nowhere else (list and map, checked against the API as an
// admin), "where am I" names the place, and a delivery whose first request is lost after the
// server recorded it is retried with the same Idempotency-Key and recorded exactly once.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  api, apiOk, attributesOf, desktop, env, eventually, jumpTo, openBrowser, openMap, openPage, shot,
  signIn, signInProbes, tilesSourceId,
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

test('the PIC sees exact positions for the targets of their kelurahan only, in the list and on ' +
     'the map, and every target without a location is listed', async (t) => {
  const page = await signedInPic();
  const items = () => attributesOf(page, 'pic-target',
                                   ['data-target-id', 'data-position', 'data-located']);
  const listed = await eventually(items, (rs) => Array.isArray(rs) && rs.length > 0);
  assert.ok(Array.isArray(listed) && listed.length > 0, 'the PIC target list stayed empty');
  await shot(page, 'pic-targets');

  const truth = await adminViews(listed.map((r) => r['data-target-id']));
  const wrong = listed.filter((r) => {
    const inScope = truth.get(r['data-target-id']).kelurahan_code === area;
    return r['data-position'] !== (inScope ? 'exact' : 'coarse') ||
           r['data-located'] !== String(truth.get(r['data-target-id']).located);
  });
  assert.deepEqual(wrong, [], `targets shown with the wrong position or location (scope ${area})`);
  const exact = listed.filter((r) => r['data-position'] === 'exact');
  t.diagnostic(`${listed.length} listed, ${exact.length} exact`);
  assert.ok(exact.length > 0, 'no target of the scope is listed at its exact position');

  const scope = await scopeTargets();
  // Coarse targets of other areas whose ~100 m spot falls in the scope come too: not theirs.
  const unlocated = scope.filter((x) => x.position === 'exact' && x.located === false)
    .map((x) => x.id).sort();
  assert.ok(unlocated.length > 0, `${area} has no target without a location: pick another scope`);
  const listedUnlocated = listed.filter((r) => r['data-located'] === 'false')
    .map((r) => r['data-target-id']).filter((id) => unlocated.includes(id)).sort();
  assert.deepEqual(listedUnlocated, unlocated, 'the targets without a location to visit');

  // On the map, at a zoom with one point per target, over the middle of the scope.
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

test('"where am I" shows the kelurahan and RW of the device\'s position', async () => {
  // A point in Bali Mester (lookup.test.mjs checks it is), the default PIC scope.
  const here = {longitude: 106.8655, latitude: -6.2165};
  await browser.context.grantPermissions(['geolocation'], {origin: env.base});
  await browser.context.setGeolocation(here);
  const page = await signedInPic();
  await page.getByTestId('where-am-i').click();
  const where = await apiOk(`/api/v1/lookup?lon=${here.longitude}&lat=${here.latitude}`);
  const shown = () => Promise.all(['place-kelurahan', 'place-rw'].map(
    (id) => page.getByTestId(id).getAttribute('data-code')));
  const expected = [where.kelurahan.code, where.rw.code];
  assert.deepEqual(await eventually(shown, expected), expected);
  await shot(page, 'pic-where-am-i');
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
  await page.getByTestId('pic-target').first().waitFor();
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
  // The page retries by itself or, once it says the request failed, the PIC presses again.
  if (await eventually(() => calls.length, (c) => c >= 2, 8000) < 2) {
    t.diagnostic('no automatic retry within 8 s: pressing the submit button again');
    await shot(page, 'pic-delivery-failed');
    await form.getByTestId('delivery-submit').click();
  }
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
