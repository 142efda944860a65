// Journey 3: a collaborator signs in, clicks near their place, gets the nearest open targets
// (as /api/v1/targets/nearest gives them) grouped by map cell, chooses one and pledges; the
// target leaves the list and the form closes, the RW's coverage goes up by one in the panel and
// on the map at once, the pledge is listed as theirs and can be cancelled (after a confirmation),
// after which the target is open and listed again. A target taken meanwhile is refused with a
// translated message and leaves the list; a click on a cell lists that cell's targets, and a
// pledge there changes the cell's counts on the map; a refused location is said, not replaced by the centre of Jakarta.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  api, apiOk, attributesOf, clickMapAt, desktop, env, eventually, jumpTo, messageOf, openBrowser,
  openMap, openPage, phone, shot, signIn, signInProbes, tilesSourceId,
} from './support.mjs';
import {strings} from '../../web/src/strings.js';
import {describeError} from '../../web/src/error_text.js';
import {ApiError} from '../../web/src/api_client.js';

// The page's text for a problem document the server sent, in Indonesian (the default).
function expectedText(status, problem, lang = 'id') {
  const d = describeError(new ApiError(status, problem));
  return strings[lang][d.key].replace(/\{(\w+)\}/g, (w, n) => String(d.values[n]));
}

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

// The name ("x,y") of the ~100 m cell holding a position, as docs/api.md numbers cells.
const cellOf = (lon, lat) => `${Math.floor(lon / 0.0009)},${Math.floor(lat / 0.0009)}`;
// The cell features of that name in the map's tiles (several when the map holds it at several
// zooms), as their counts.
const cellCounts = (page, source, cell) => sourceFeatures(page, source, 'targets', 'cell', cell)
  .then((fs) => unique(fs.map((f) => `${f.status_open}/${f.status_pledged}/${f.count}`)));

const items = (page) => attributesOf(page, 'target-item', ['data-target-id', 'data-distance-m'])
  .then((rows) => rows.map((r) => ({id: r['data-target-id'], distance_m: Number(r['data-distance-m'])})));
const listedIds = (page) => items(page).then((rows) => rows.map((r) => r.id));

test('a collaborator pledges to a nearest target, which leaves the list; the RW coverage rises ' +
     'in the panel and on the map; the pledge is cancelled and the target is open again',
     async (t) => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  const nearestAsked = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/targets/nearest') nearestAsked.push(new URL(r.url()));
  });

  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await shot(page, 'collaborator-signed-in');
  // After the sign-in the keyboard is on the collaborator's panel, not lost to the body.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'collab-title');

  // The nearest open targets of the clicked point, as the API gives them for that point.
  await jumpTo(page, here.lon, here.lat, 16);
  const [lon, lat] = await clickMapAt(page, here.lon, here.lat);
  const asked = await eventually(
    () => nearestAsked.find((u) => Math.abs(Number(u.searchParams.get('lon')) - lon) <= 1e-6 &&
                                   Math.abs(Number(u.searchParams.get('lat')) - lat) <= 1e-6),
    (u) => u !== undefined);
  assert.ok(asked, `no /api/v1/targets/nearest request for the clicked ${lon}, ${lat}; ` +
                   `asked: ${nearestAsked.map(String).join(' ')}`);
  const listed = await eventually(() => items(page), (rows) => Array.isArray(rows) && rows.length > 0);
  assert.ok(Array.isArray(listed) && listed.length > 0, 'the nearest list stayed empty');
  const point = `lon=${asked.searchParams.get('lon')}&lat=${asked.searchParams.get('lat')}`;
  const nearest = await apiOk(`/api/v1/targets/nearest?${point}&k=${listed.length}&status=open`,
                              'collaborator');
  assert.deepEqual(listed, nearest.targets.map((x) => ({id: x.id, distance_m: x.distance_m})));
  // Grouped by cell: one group per spot, with its count, in the API's order.
  const spots = unique(nearest.targets.map((x) => `${x.lon},${x.lat}`));
  const cells = await attributesOf(page, 'cell', ['data-spot', 'data-count']);
  assert.deepEqual(cells, spots.map((spot) => ({
    'data-spot': spot,
    'data-count': String(nearest.targets.filter((x) => `${x.lon},${x.lat}` === spot).length),
  })));
  t.diagnostic(`${listed.length} nearest targets in ${cells.length} cells`);
  // Nothing failed on the way (a failed tile or overlay would say so in the map's line).
  assert.equal(await messageOf(page, 'map'), null);
  // Each choose button names its target.
  assert.equal(await page.getByTestId('choose-target').first().getAttribute('aria-label'),
               `Pilih sasaran ${listed[0].id}`);
  await shot(page, 'collaborator-nearest');

  // Choose the nearest and pledge goods for it.
  const target = listed[0].id;
  const targetCell = cellOf(nearest.targets[0].lon, nearest.targets[0].lat);
  const cellBefore = await apiOk(`/api/v1/targets?cell=${targetCell}&status=any&limit=1000`, 'collaborator');
  const openIn = (answer) => answer.targets.filter((x) => x.status === 'open').length;
  const cellOpen = openIn(cellBefore);
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

  const done = await eventually(() => messageOf(page, 'pledge'), (m) => m?.kind === 'success');
  assert.equal(done?.text, strings.id['pledge.done'].replace('{id}', pledge.id).replace('{target}', target));
  // The pledged target is no longer offered, and the form is closed.
  assert.deepEqual(await eventually(() => listedIds(page), (ids) => !ids.includes(target)),
                   listed.slice(1).map((x) => x.id));
  assert.equal(await form.isVisible(), false, 'the pledge form is still open');
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'BODY',
                  'the keyboard focus was lost after the pledge');
  const panel = () => page.getByTestId('rw-coverage').evaluate((el) => ({
    code: el.dataset.rwCode, pledged: Number(el.dataset.pledged), targets: Number(el.dataset.targets),
  }));
  const expectedPanel = {code: rw, pledged: before.pledged + 1, targets: before.targets};
  assert.deepEqual(await eventually(panel, expectedPanel), expectedPanel);

  // The map's tiles: the RW's features carry the new count, the target's cell one open target
  // fewer and one pledged more.
  const source = await tilesSourceId(page);
  const rwPledged = () => sourceFeatures(page, source, 'rw', 'code', rw)
    .then((fs) => unique(fs.map((f) => f.pledged)));
  assert.deepEqual(await eventually(rwPledged, [before.pledged + 1]), [before.pledged + 1],
                   `the map's RW ${rw} features carry these pledged counts`);
  const pledgedIn = (answer) => answer.targets.filter((x) => x.status !== 'open').length -
    answer.targets.filter((x) => x.status === 'delivered').length;
  const counts = (open, pledged) => [`${open}/${pledged}/${cellBefore.number_matched}`];
  const cellPledged = pledgedIn(cellBefore);
  assert.deepEqual(await eventually(() => cellCounts(page, source, targetCell), counts(cellOpen - 1, cellPledged + 1)),
                   counts(cellOpen - 1, cellPledged + 1),
                   `the map's cell ${targetCell} of target ${target} has these open/pledged/count`);
  await shot(page, 'collaborator-pledged');

  // "My pledges" lists it with the status the API gives, and a cancel button naming it.
  const held = await apiOk(`/api/v1/pledges/${pledge.id}`, 'collaborator');
  const mine = () => attributesOf(page, 'pledge-item', ['data-pledge-id', 'data-status'])
    .then((rows) => rows.filter((r) => r['data-pledge-id'] === pledge.id));
  const expectedMine = [{'data-pledge-id': pledge.id, 'data-status': held.status}];
  assert.deepEqual(await eventually(mine, expectedMine), expectedMine);
  const cancel = page.locator(`[data-testid=cancel-pledge][data-pledge-id="${pledge.id}"]`);
  assert.equal(await cancel.getAttribute('aria-label'), `Batalkan komitmen ${pledge.id}`);

  // Cancelling asks first; "no" keeps the pledge.
  await cancel.click();
  await page.locator(`[data-testid=cancel-keep][data-pledge-id="${pledge.id}"]`).click();
  assert.equal((await apiOk(`/api/v1/pledges/${pledge.id}`, 'collaborator')).status, 'committed');
  await cancel.click();
  await shot(page, 'collaborator-cancel-confirm');
  const cancelled = page.waitForResponse((r) => new URL(r.url()).pathname ===
                                                 `/api/v1/pledges/${pledge.id}/cancel`);
  await page.locator(`[data-testid=cancel-confirm][data-pledge-id="${pledge.id}"]`).click();
  assert.equal((await cancelled).status(), 200);
  assert.equal((await apiOk(`/api/v1/pledges/${pledge.id}`, 'collaborator')).status, 'cancelled');
  const cancelledMine = [{'data-pledge-id': pledge.id, 'data-status': 'cancelled'}];
  assert.deepEqual(await eventually(mine, cancelledMine), cancelledMine);
  assert.equal((await apiOk(`/api/v1/areas/${rw}`)).coverage.all.pledged, before.pledged);
  // The target is open again, and back in the list.
  assert.deepEqual(await eventually(() => listedIds(page), (ids) => ids.includes(target)),
                   listed.map((x) => x.id));
  assert.deepEqual(await eventually(() => cellCounts(page, source, targetCell), counts(cellOpen, cellPledged)),
                   counts(cellOpen, cellPledged));
  await shot(page, 'collaborator-cancelled');

  assert.deepEqual(page.problems(signInProbes), []);
});

test('a target pledged meanwhile is refused with a translated message and leaves the list; a ' +
     'value the server refuses is said with its next step', async (t) => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await jumpTo(page, here.lon, here.lat, 16);
  await clickMapAt(page, here.lon, here.lat);
  const listed = await eventually(() => listedIds(page), (ids) => Array.isArray(ids) && ids.length > 1);
  assert.ok(Array.isArray(listed) && listed.length > 1, 'the nearest list has fewer than 2 targets');

  // Too large an amount: the server's 400, said with what to do; nothing is stored.
  const target = listed[1];
  await page.locator(`[data-testid=choose-target][data-target-id="${target}"]`).click();
  const form = page.getByTestId('pledge-form');
  await form.locator('select[name=form]').selectOption('uang');
  await form.locator('input[name=amount_idr]').fill('100000000000000000000');
  const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/pledges');
  await form.getByTestId('pledge-submit').click();
  const bad = await refused;
  const badProblem = await bad.json();
  assert.equal(bad.status(), 400, JSON.stringify(badProblem));
  const said = await eventually(() => messageOf(page, 'pledge'), (m) => m?.kind === 'error');
  assert.equal(said?.text, expectedText(400, badProblem));
  t.diagnostic(`400 said as: ${said?.text}`);
  assert.equal((await apiOk(`/api/v1/targets/${target}`, 'collaborator')).status, 'open');

  // Another pledge takes the target before this page sends its own.
  const other = await api('/api/v1/pledges', {token: 'collaborator', method: 'POST',
                                              body: {target, form: 'barang', quantity: 1}});
  assert.equal(other.status, 201, JSON.stringify(other.body));
  await form.locator('select[name=form]').selectOption('barang');
  const again = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/pledges' &&
                                            r.request().method() === 'POST');
  await form.getByTestId('pledge-submit').click();
  const second = await again;
  const problem = await second.json();
  assert.equal(second.status(), 409, JSON.stringify(problem));
  const shown = await eventually(() => messageOf(page, 'pledge'),
                                 (m) => m?.kind === 'error' && m.text === expectedText(409, problem));
  assert.equal(shown?.text, expectedText(409, problem));
  if (problem.type?.startsWith('urn:sasaran:problem:'))
    assert.equal(shown.problem, 'target-taken');
  // The taken target leaves the list and the form closes; nothing more was written.
  assert.ok(!(await eventually(() => listedIds(page), (ids) => !ids.includes(target))).includes(target));
  assert.equal(await form.isVisible(), false);
  const pledges = (await apiOk(`/api/v1/pledges?collaborator=${env.collaborator}`, 'collaborator'))
    .pledges.filter((p) => p.target === target && p.status === 'committed');
  assert.deepEqual(pledges.map((p) => p.id), [other.body.id]);
  await shot(page, 'collaborator-refused');
  await api(`/api/v1/pledges/${other.body.id}/cancel`, {token: 'collaborator', method: 'POST'});
  assert.deepEqual(page.problems([...signInProbes, /status of 409 .*\/api\/v1\/pledges\)$/,
                                  /status of 400 .*\/api\/v1\/pledges\)$/]), []);
});

test('a click on a cell lists its open targets as the API gives them for that cell; pledging ' +
     'one of them changes the cell\'s counts on the map', async (t) => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  // A cell with open targets near the fixture point, drawn on the map at z16 (the tiles' own
  // zoom: the map reloads them after a pledge).
  const {targets} = await apiOk(`/api/v1/targets/nearest?lon=${here.lon}&lat=${here.lat}&k=1` +
                                '&status=open&max_distance_m=5000', 'collaborator');
  const spot = targets[0];
  const cell = cellOf(spot.lon, spot.lat);
  await jumpTo(page, spot.lon + 0.004, spot.lat, 16);  // the click must not be the map's centre
  await eventually(() => page.evaluate(([lon, lat]) => {
    const p = window.sasaranMap.project([lon, lat]);
    return window.sasaranMap.queryRenderedFeatures([p.x, p.y], {layers: ['target-cells']}).length;
  }, [spot.lon, spot.lat]), (n) => n > 0);
  // Collaborators get cells, never a target's point, from the tiles.
  const source = await tilesSourceId(page);
  assert.deepEqual(await sourceFeatures(page, source, 'targets', 'kind', 'target'), []);
  const cellAsked = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/v1/targets');
  await clickMapAt(page, spot.lon, spot.lat);
  assert.equal(new URL((await cellAsked).url()).searchParams.get('cell'), cell);
  const open = await apiOk(`/api/v1/targets?cell=${cell}&status=open&limit=100`, 'collaborator');
  assert.ok(open.targets.every((x) => x.lon === spot.lon && x.lat === spot.lat),
            `the cell ${cell} holds another spot than ${spot.lon}, ${spot.lat}`);
  const expected = open.targets.map((x) => x.id);
  assert.ok(expected.includes(spot.id));
  assert.deepEqual(await eventually(() => listedIds(page), expected), expected);
  assert.deepEqual(await attributesOf(page, 'cell', ['data-count']),
                   [{'data-count': String(expected.length)}]);
  // The map's cell counts what the list holds.
  const all = await apiOk(`/api/v1/targets?cell=${cell}&status=any&limit=1000`, 'collaborator');
  const pledged = all.targets.filter((x) => x.status === 'pledged').length;
  const counts = (o, p) => [`${o}/${p}/${all.number_matched}`];
  assert.deepEqual(await eventually(() => cellCounts(page, source, cell), counts(expected.length, pledged)),
                   counts(expected.length, pledged));
  t.diagnostic(`cell ${cell} at ${spot.lon}, ${spot.lat}: ${expected.length} open targets`);
  await shot(page, 'collaborator-cell');

  // Pledge the cell's first target from the list: it leaves the list, the cell counts it.
  const target = expected[0];
  await page.locator(`[data-testid=choose-target][data-target-id="${target}"]`).click();
  const form = page.getByTestId('pledge-form');
  await form.locator('select[name=form]').selectOption('barang');
  await form.locator('input[name=quantity]').fill('1');
  const posted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/pledges' &&
                                            r.request().method() === 'POST');
  await form.getByTestId('pledge-submit').click();
  const answer = await posted;
  const pledge = await answer.json();
  assert.equal(answer.status(), 201, JSON.stringify(pledge));
  assert.deepEqual(await eventually(() => listedIds(page), expected.slice(1)), expected.slice(1));
  assert.deepEqual(await eventually(() => cellCounts(page, source, cell), counts(expected.length - 1, pledged + 1)),
                   counts(expected.length - 1, pledged + 1));
  await shot(page, 'collaborator-cell-pledged');
  await api(`/api/v1/pledges/${pledge.id}/cancel`, {token: 'collaborator', method: 'POST'});
  assert.deepEqual(page.problems(signInProbes), []);
});

test('a refused location is said with what to do, and the map does not move', async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await browser.context.clearPermissions();  // no permission: Chromium refuses at once
  const centre = await page.evaluate(() => window.sasaranMap.getCenter().toArray());
  await page.getByTestId('my-location').click();
  const said = await eventually(() => messageOf(page, 'location'), (m) => m?.kind === 'error');
  assert.deepEqual(said, {kind: 'error', problem: 'location-denied', text: strings.id['location.denied']});
  assert.deepEqual(await page.evaluate(() => window.sasaranMap.getCenter().toArray()), centre);
  assert.equal(await page.getByTestId('target-item').count(), 0, 'targets were listed for a guessed point');
  await shot(page, 'collaborator-location-refused');
  assert.deepEqual(page.problems(signInProbes), []);
});

test('on a phone, a searched area shows the map; choosing a target keeps the list and does not ' +
     'move the map; the legend shows what a collaborator\'s map draws', async () => {
  const page = await openPage(browser.context, phone);
  await openMap(page);
  await page.getByTestId('view-list').click();
  assert.equal(await signIn(page, env.tokens.collaborator), 'collaborator');
  await page.getByTestId('search').fill('bali mester');
  await eventually(() => page.getByTestId('search-result').count(), (n) => n > 0);
  await page.getByTestId('search-result').first().click();
  // The search moved the map, so the map is shown.
  assert.equal(await eventually(() => page.locator('#map').isVisible(), true), true);
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.sasaranMap;
    if (!map.isMoving()) resolve();
    else map.once('moveend', resolve);
  }));
  await shot(page, 'collaborator-phone-map');
  await page.getByTestId('view-list').click();
  await eventually(() => page.getByTestId('choose-target').count(), (n) => n > 0);
  await shot(page, 'collaborator-phone-list');
  const centre = await page.evaluate(() => window.sasaranMap.getCenter().toArray());
  await page.getByTestId('choose-target').first().click();
  assert.equal(await page.getByTestId('pledge-form').isVisible(), true, 'the form is not in view');
  assert.equal(await page.locator('#map').isVisible(), false, 'choosing a target left the list');
  assert.deepEqual(await page.evaluate(() => window.sasaranMap.getCenter().toArray()), centre);
  await shot(page, 'collaborator-phone-form');
  const legend = await page.locator('#legend [data-legend]').evaluateAll((els) => els.map((e) => e.dataset.legend));
  assert.deepEqual(legend, ['none', 'kelurahan', 'cluster', 'cell', 'cellcovered', 'nearest', 'chosen']);
  await page.locator('#legend').scrollIntoViewIfNeeded();
  await shot(page, 'collaborator-phone-legend');
  assert.deepEqual(page.problems(signInProbes), []);
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
