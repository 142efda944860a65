// Journey 3: a collaborator signs in, clicks near their place, gets the nearest open targets
// (as /api/v1/targets/nearest gives them), chooses one and pledges; the RW's coverage goes up
// by one in the panel and on the map at once, the pledge is listed as theirs, and a second
// pledge for the same target is refused with the server's own message.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  apiOk, attributesOf, clickMapAt, desktop, env, eventually, jumpTo, openBrowser, openMap,
  openPage, shot, signIn, signInProbes, tilesSourceId,
} from './support.mjs';

// Near collaborator C0001's address in collaborators.csv (Kebayoran Baru), where targets are
// open at the start.
const here = {lon: 106.7923, lat: -6.2354};

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

// The properties of the features of `layer` in the tiles the map holds, for those whose
// property `key` equals `value`.
function sourceFeatures(page, source, layer, key, value) {
  return page.evaluate(([source, layer, key, value]) =>
    window.sasaranMap.querySourceFeatures(source, {
      sourceLayer: layer, filter: ['==', ['get', key], value],
    }).map((f) => f.properties), [source, layer, key, value]);
}

const unique = (values) => [...new Set(values)];

async function message(page) {
  const el = page.getByTestId('message');
  if (await el.count() !== 1 || !await el.isVisible()) return null;
  return {kind: await el.getAttribute('data-kind'), text: (await el.innerText()).trim()};
}

test('a collaborator pledges to a nearest target, sees the RW coverage rise in the panel and on ' +
     'the map, and a second pledge for it is refused with the server\'s 409 message', async (t) => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  const nearestAsked = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/targets/nearest') nearestAsked.push(new URL(r.url()));
  });

  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await shot(page, 'collaborator-signed-in');

  // The nearest open targets of the clicked point, as the API gives them for that point.
  await jumpTo(page, here.lon, here.lat, 16);
  const [lon, lat] = await clickMapAt(page, here.lon, here.lat);
  const asked = await eventually(
    () => nearestAsked.find((u) => Math.abs(Number(u.searchParams.get('lon')) - lon) <= 1e-6 &&
                                   Math.abs(Number(u.searchParams.get('lat')) - lat) <= 1e-6),
    (u) => u !== undefined);
  assert.ok(asked, `no /api/v1/targets/nearest request for the clicked ${lon}, ${lat}; ` +
                   `asked: ${nearestAsked.map(String).join(' ')}`);
  const items = () => attributesOf(page, 'target-item', ['data-target-id', 'data-distance-m'])
    .then((rows) => rows.map((r) => ({id: r['data-target-id'], distance_m: Number(r['data-distance-m'])})));
  const listed = await eventually(items, (rows) => Array.isArray(rows) && rows.length > 0);
  assert.ok(Array.isArray(listed) && listed.length > 0, 'the nearest list stayed empty');
  const point = `lon=${asked.searchParams.get('lon')}&lat=${asked.searchParams.get('lat')}`;
  const nearest = await apiOk(`/api/v1/targets/nearest?${point}&k=${listed.length}`, 'collaborator');
  assert.deepEqual(listed, nearest.targets.map((x) => ({id: x.id, distance_m: x.distance_m})));
  assert.ok(nearest.targets.every((x) => x.status === 'open'), 'the API listed a target not open');
  await shot(page, 'collaborator-nearest');

  // Choose the nearest and pledge goods for it.
  const target = listed[0].id;
  await page.getByTestId('target-item').first().getByTestId('choose-target').click();
  const {rw_code: rw} = await apiOk(`/api/v1/targets/${target}`, 'admin');
  const before = (await apiOk(`/api/v1/areas/${rw}`)).coverage.all;
  t.diagnostic(`target ${target} in RW ${rw}: ${before.pledged} of ${before.targets} pledged`);
  const form = page.getByTestId('pledge-form');
  await form.locator('select[name=form]').selectOption('barang');
  await form.locator('input[name=quantity]').fill('3');
  await shot(page, 'collaborator-pledge-form');
  const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/pledges' &&
                                            r.request().method() === 'POST');
  await form.getByTestId('pledge-submit').click();
  const first = await posted;
  const pledge = await first.json();
  assert.equal(first.status(), 201, JSON.stringify(pledge));
  assert.deepEqual([pledge.target, pledge.collaborator, pledge.form, pledge.quantity, pledge.rw],
                   [target, env.collaborator, 'barang', 3, rw]);
  const after = (await apiOk(`/api/v1/areas/${rw}`)).coverage.all;
  assert.equal(after.pledged, before.pledged + 1, 'the server counted the pledge');

  assert.equal((await eventually(() => message(page), (m) => m?.kind === 'success'))?.kind,
               'success');
  const panel = () => page.getByTestId('rw-coverage').evaluate((el) => ({
    code: el.dataset.rwCode, pledged: Number(el.dataset.pledged), targets: Number(el.dataset.targets),
  }));
  const expectedPanel = {code: rw, pledged: before.pledged + 1, targets: before.targets};
  assert.deepEqual(await eventually(panel, expectedPanel), expectedPanel);

  // The map's tiles: the RW's features carry the new count, the target's point its new status.
  const source = await tilesSourceId(page);
  const rwPledged = () => sourceFeatures(page, source, 'rw', 'code', rw)
    .then((fs) => unique(fs.map((f) => f.pledged)));
  assert.deepEqual(await eventually(rwPledged, [before.pledged + 1]), [before.pledged + 1],
                   `the map's RW ${rw} features carry these pledged counts`);
  const targetStatus = () => sourceFeatures(page, source, 'targets', 'id', target)
    .then((fs) => unique(fs.map((f) => f.status)));
  assert.deepEqual(await eventually(targetStatus, ['pledged']), ['pledged'],
                   `the map's point of target ${target} has these statuses`);
  await shot(page, 'collaborator-pledged');

  // "My pledges" lists it with the status the API gives.
  const held = await apiOk(`/api/v1/pledges/${pledge.id}`, 'collaborator');
  const mine = () => attributesOf(page, 'pledge-item', ['data-pledge-id', 'data-status'])
    .then((rows) => rows.filter((r) => r['data-pledge-id'] === pledge.id));
  const expectedMine = [{'data-pledge-id': pledge.id, 'data-status': held.status}];
  assert.deepEqual(await eventually(mine, expectedMine), expectedMine);

  // The same target again: the server refuses, and the page says what the server said.
  const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/pledges' &&
                                            r.request().method() === 'POST');
  await form.getByTestId('pledge-submit').click();
  const second = await again;
  const problem = await second.json();
  assert.equal(second.status(), 409, JSON.stringify(problem));
  assert.ok(problem.detail, 'the 409 has a detail');
  const shown = await eventually(() => message(page),
                                 (m) => m?.kind === 'error' && m.text.includes(problem.detail));
  assert.equal(shown?.kind, 'error');
  assert.ok(shown.text.includes(problem.detail),
            `the message '${shown?.text}' does not show the server's '${problem.detail}'`);
  assert.equal((await apiOk(`/api/v1/areas/${rw}`)).coverage.all.pledged, before.pledged + 1,
               'the refused pledge changed the coverage');
  await shot(page, 'collaborator-refused');

  assert.deepEqual(page.problems([...signInProbes, /status of 409 .*\/api\/v1\/pledges\)$/]), []);
});

test('a collaborator who signs out no longer shows a role or their pledges', async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  if (!await page.getByTestId('role').isVisible())
    assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await page.getByTestId('signout').click();
  const visible = () => Promise.all(['role', 'my-pledges', 'pledge-form'].map(
    (id) => page.getByTestId(id).isVisible()));
  assert.deepEqual(await eventually(visible, [false, false, false]), [false, false, false]);
  await shot(page, 'collaborator-signed-out');
  assert.deepEqual(page.problems(signInProbes), []);
});
