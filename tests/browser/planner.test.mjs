// Journey 4: a planner signs in and reads the ranked list of uncovered RWs. The rows are those
// of /api/v1/coverage for the same sort, program, kota or kecamatan and page; a row takes the map
// to its RW (on a phone, showing the map first); the CSV (in the page's locale) and GeoJSON
// exports hold the whole ranking for the filter, every page of it.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  apiOk, attributesOf, desktop, env, eventually, openBrowser, openMap, openPage, parseCsv, phone,
  shot, signIn, signInProbes,
} from './support.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const rows = (page) => attributesOf(page, 'ranking-row',
                                    ['data-code', 'data-unserved', 'data-unmet-priority'])
  .then((rs) => rs.map((r) => ({code: r['data-code'], unserved: Number(r['data-unserved']),
                                unmet_priority: Number(r['data-unmet-priority'])})));

// /api/v1/coverage for RWs, as the planner, with the page's filter: the page of `limit` rows
// from `offset`, and the number of RWs matched.
async function rankingPage(sort, program, limit, {offset = 0, within = ''} = {}) {
  const query = `level=rw&sort=${sort}&limit=${limit}&offset=${offset}` +
    (program ? `&program=${program}` : '') + (within ? `&within=${within}` : '');
  const body = await apiOk(`/api/v1/coverage?${query}`, 'planner');
  return {
    rows: body.items.map((i) => ({code: i.code, unserved: i.unserved, unmet_priority: i.unmet_priority})),
    matched: body.number_matched,
    items: body.items,
  };
}

async function ranking(sort, program, limit, options) {
  return (await rankingPage(sort, program, limit, options)).rows;
}

// Waits for the ranking to show a page of 50 of /api/v1/coverage for the filter, and its range
// line ("1–50 dari 2.841"), and asserts it does.
async function assertRanking(page, sort, program, {offset = 0, within = ''} = {}) {
  const expected = await rankingPage(sort, program, 50, {offset, within});
  assert.deepEqual(await eventually(() => rows(page), expected.rows), expected.rows,
                   `ranking sorted by ${sort}, program '${program}', within '${within}', from ${offset}`);
  const nf = new Intl.NumberFormat('id-ID');
  const range = `${nf.format(offset + 1)}–${nf.format(offset + expected.rows.length)} dari ` +
                `${nf.format(expected.matched)} RW`;
  assert.equal(await eventually(() => page.getByTestId('ranking-range').innerText(), range), range);
  return expected.rows;
}

async function signedInPlanner(viewport = desktop) {
  const page = await openPage(browser.context, viewport);
  await openMap(page);
  // On a phone the panels are behind the map/list toggle.
  if (viewport === phone) await page.getByTestId('view-list').click();
  assert.equal(await signIn(page, env.tokens.planner), 'planner');
  return page;
}

test('the planner ranking equals /api/v1/coverage for each sort and program', async (t) => {
  const page = await signedInPlanner();
  assert.equal(await page.getByTestId('program').inputValue(), '', 'all programs at first');
  assert.equal(await page.getByTestId('ranking-sort').inputValue(), 'unserved');
  const all = await assertRanking(page, 'unserved', '');
  t.diagnostic(`${all.length} rows; first ${all[0].code} with ${all[0].unserved} unserved`);
  await shot(page, 'planner-ranking');

  await page.getByTestId('program').selectOption('pangan');
  await assertRanking(page, 'unserved', 'pangan');
  await shot(page, 'planner-ranking-pangan');

  await page.getByTestId('ranking-sort').selectOption('unmet_priority');
  await assertRanking(page, 'unmet_priority', 'pangan');

  await page.getByTestId('program').selectOption('');
  await assertRanking(page, 'unmet_priority', '');
  await shot(page, 'planner-ranking-unmet-priority');

  // The program filter is in the planner's card.
  assert.equal(await page.locator('#planner-panel [data-testid=program]').count(), 1);

  // Pages of 50: next, next, previous.
  await page.getByTestId('ranking-next').click();
  await assertRanking(page, 'unmet_priority', '', {offset: 50});
  await page.getByTestId('ranking-next').click();
  await assertRanking(page, 'unmet_priority', '', {offset: 100});
  await page.getByTestId('ranking-prev').click();
  await assertRanking(page, 'unmet_priority', '', {offset: 50});
  await shot(page, 'planner-ranking-page-2');

  // Within a kota, then one of its kecamatan: back to the first page of each.
  const kotas = await apiOk('/api/v1/coverage?level=kota', 'planner');
  const options = await page.getByTestId('ranking-kota').locator('option').evaluateAll(
    (os) => os.map((o) => o.value).filter(Boolean).sort());
  assert.deepEqual(options, kotas.items.map((k) => k.code).sort());
  const kota = kotas.items.find((k) => k.code === '3172') ?? kotas.items[0];
  await page.getByTestId('ranking-kota').selectOption(kota.code);
  await assertRanking(page, 'unmet_priority', '', {within: kota.code});
  const kecamatans = await apiOk(`/api/v1/coverage?level=kecamatan&within=${kota.code}&limit=100`,
                                 'planner');
  const kecOptions = await page.getByTestId('ranking-kecamatan').locator('option').evaluateAll(
    (os) => os.map((o) => o.value).filter(Boolean).sort());
  assert.deepEqual(kecOptions, kecamatans.items.map((k) => k.code).sort(),
                   `the kecamatan offered within ${kota.code}`);
  await page.getByTestId('ranking-kecamatan').selectOption(kecamatans.items[0].code);
  await assertRanking(page, 'unmet_priority', '', {within: kecamatans.items[0].code});
  await shot(page, 'planner-ranking-kecamatan');
  await page.getByTestId('ranking-kota').selectOption('');
  await assertRanking(page, 'unmet_priority', '');

  const summary = page.getByTestId('summary');
  assert.ok(await summary.isVisible(), 'the summary is hidden');
  assert.notEqual((await summary.innerText()).trim(), '', 'the summary is empty');
  // When the data was imported, as the API says, in the page's language.
  const updatedAt = (await apiOk('/api/v1/coverage?level=kota', 'planner')).data_updated_at;
  assert.match(updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The page runs in Jakarta's time zone (support.mjs), as its users do.
  const expected = new Intl.DateTimeFormat('id-ID',
    {dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta'}).format(new Date(updatedAt));
  assert.equal(await page.getByTestId('data-updated').innerText(),
    `Data sasaran diperbarui ${expected}`);
  assert.deepEqual(page.problems(signInProbes), []);
});

test('a click on a ranking row takes the map to that RW', async () => {
  const page = await signedInPlanner();
  const [first] = await assertRanking(page, 'unserved', '');
  await page.getByTestId('ranking-row').first().click();
  const [w, s, e, n] = (await apiOk(`/api/v1/areas/${first.code}`)).bbox;
  const inBox = (c) => c && c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n;
  const centre = await eventually(
    () => page.evaluate(() => window.sasaranMap.isMoving() ? null : window.sasaranMap.getCenter()),
    inBox);
  assert.ok(inBox(centre), `map centre ${JSON.stringify(centre)} is outside RW ${first.code} ` +
                           `(${w}, ${s}, ${e}, ${n})`);
  await shot(page, 'planner-row-zoom');
  assert.deepEqual(page.problems(signInProbes), []);
});

// Clicks an export button and returns the downloaded file's name and text, keeping a copy
// beside the screenshots.
async function download(page, testid) {
  const started = page.waitForEvent('download');
  await page.getByTestId(testid).click();
  const file = await started;
  assert.equal(await file.failure(), null);
  const kept = path.join(env.screenshots, `planner-${file.suggestedFilename()}`);
  await file.saveAs(kept);
  return {name: file.suggestedFilename(), text: fs.readFileSync(kept, 'utf8')};
}

test('the CSV and GeoJSON exports hold the whole ranking /api/v1/coverage gives for the same ' +
     'filter, the CSV in the page\'s locale', async (t) => {
  const page = await signedInPlanner();
  await page.getByTestId('program').selectOption('pendidikan');
  await assertRanking(page, 'unserved', 'pendidikan');
  const all = await rankingPage('unserved', 'pendidikan', 10000);
  assert.ok(all.matched > 50, 'the ranking fits one page: the test would not see the paging');

  // Indonesian: a byte-order mark, `;` between fields and a decimal comma.
  const csv = await download(page, 'export-csv');
  assert.match(csv.name, /\.csv$/);
  assert.ok(csv.text.startsWith('\uFEFF'), 'the CSV has no byte-order mark');
  const [header, ...lines] = parseCsv(csv.text.slice(1), ';').filter((r) => r.join('') !== '');
  const cell = (line, column) => line[header.indexOf(column)];
  for (const column of ['code', 'unserved', 'unmet_priority', 'pledged_ratio'])
    assert.ok(header.includes(column), `the CSV header ${header} has no '${column}'`);
  const fromCsv = lines.map((l) => ({code: cell(l, 'code'), unserved: Number(cell(l, 'unserved')),
                                     unmet_priority: Number(cell(l, 'unmet_priority'))}));
  t.diagnostic(`${csv.name}: ${lines.length} rows of ${all.matched}`);
  assert.deepEqual(fromCsv, all.rows, 'the CSV holds every row of the ranking, in order');
  assert.deepEqual(lines.map((l) => cell(l, 'pledged_ratio')),
                   all.items.map((i) => String(i.pledged_ratio).replace('.', ',')));

  // English: `,` and a decimal point.
  await page.getByTestId('lang').click();
  const english = await download(page, 'export-csv');
  const [enHeader, ...enLines] = parseCsv(english.text.replace(/^\uFEFF/, ''), ',')
    .filter((r) => r.join('') !== '');
  assert.deepEqual(enHeader, header);
  assert.deepEqual(enLines.map((l) => l[enHeader.indexOf('pledged_ratio')]),
                   all.items.map((i) => String(i.pledged_ratio)));
  await page.getByTestId('lang').click();

  const geojson = await download(page, 'export-geojson');
  assert.match(geojson.name, /\.(geo)?json$/);
  const collection = JSON.parse(geojson.text);
  assert.equal(collection.type, 'FeatureCollection');
  const fromGeojson = collection.features.map((f) => ({
    code: f.properties.code, unserved: f.properties.unserved,
    unmet_priority: f.properties.unmet_priority,
  }));
  assert.deepEqual(fromGeojson, all.rows, 'the GeoJSON holds every row of the ranking, in order');
  for (const f of collection.features)
    assert.ok(['Polygon', 'MultiPolygon'].includes(f.geometry?.type),
              `feature ${f.properties.code} has geometry ${f.geometry?.type}`);
  assert.deepEqual(page.problems(signInProbes), []);
});

test('on a phone, a ranking row shows the map and takes it to that RW', async () => {
  const page = await signedInPlanner(phone);
  await page.getByTestId('view-list').click();
  assert.equal(await page.locator('#map').isVisible(), false, 'the list view still shows the map');
  const [first] = await assertRanking(page, 'unserved', '');
  await page.getByTestId('ranking-row').first().locator('button').click();
  assert.equal(await eventually(() => page.locator('#map').isVisible(), true), true,
               'the row moved a map that is not shown');
  assert.equal(await page.getByTestId('view-map').getAttribute('aria-pressed'), 'true');
  const [w, s, e, n] = (await apiOk(`/api/v1/areas/${first.code}`)).bbox;
  const inBox = (c) => c && c.lng >= w && c.lng <= e && c.lat >= s && c.lat <= n;
  const centre = await eventually(
    () => page.evaluate(() => window.sasaranMap.isMoving() ? null : window.sasaranMap.getCenter()),
    inBox);
  assert.ok(inBox(centre), `map centre ${JSON.stringify(centre)} is outside RW ${first.code}`);
  await shot(page, 'planner-phone-row');
  await page.getByTestId('view-list').click();
  await shot(page, 'planner-phone-list');
  assert.deepEqual(page.problems(signInProbes), []);
});
