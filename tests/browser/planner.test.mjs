// Journey 4: a planner signs in and reads the ranked list of uncovered RWs. The rows are those
// of /api/v1/coverage for the same sort and program, a row takes the map to its RW, and the
// CSV and GeoJSON exports hold the same ranking.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  apiOk, attributesOf, desktop, env, eventually, openBrowser, openMap, openPage, parseCsv, shot,
  signIn, signInProbes,
} from './support.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const rows = (page) => attributesOf(page, 'ranking-row',
                                    ['data-code', 'data-unserved', 'data-unmet-priority'])
  .then((rs) => rs.map((r) => ({code: r['data-code'], unserved: Number(r['data-unserved']),
                                unmet_priority: Number(r['data-unmet-priority'])})));

// /api/v1/coverage for RWs, as the planner, with the page's filter and as many rows as it shows.
async function ranking(sort, program, limit) {
  const query = `level=rw&sort=${sort}&limit=${limit}` + (program ? `&program=${program}` : '');
  const body = await apiOk(`/api/v1/coverage?${query}`, 'planner');
  return body.items.map((i) => ({code: i.code, unserved: i.unserved,
                                 unmet_priority: i.unmet_priority}));
}

// Waits for the ranking to show /api/v1/coverage for the filter and asserts it does.
async function assertRanking(page, sort, program) {
  const shown = await eventually(() => rows(page), (rs) => Array.isArray(rs) && rs.length > 0);
  assert.ok(Array.isArray(shown) && shown.length > 0, 'the ranking has no rows');
  const expected = await ranking(sort, program, shown.length);
  assert.deepEqual(await eventually(() => rows(page), expected), expected,
                   `ranking sorted by ${sort}, program '${program}'`);
  return expected;
}

async function signedInPlanner() {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
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

test('the CSV and GeoJSON exports hold the ranking /api/v1/coverage gives for the same filter',
     async (t) => {
  const page = await signedInPlanner();
  await page.getByTestId('program').selectOption('pendidikan');
  await assertRanking(page, 'unserved', 'pendidikan');

  const csv = await download(page, 'export-csv');
  assert.match(csv.name, /\.csv$/);
  const [header, ...lines] = parseCsv(csv.text.replace(/^\uFEFF/, '')).filter((r) => r.join('') !== '');
  for (const column of ['code', 'unserved', 'unmet_priority'])
    assert.ok(header.includes(column), `the CSV header ${header} has no '${column}'`);
  const cell = (line, column) => line[header.indexOf(column)];
  const fromCsv = lines.map((l) => ({code: cell(l, 'code'), unserved: Number(cell(l, 'unserved')),
                                     unmet_priority: Number(cell(l, 'unmet_priority'))}));
  t.diagnostic(`${csv.name}: ${lines.length} rows`);
  assert.ok(fromCsv.length > 0, 'the CSV has no rows');
  assert.deepEqual(fromCsv, await ranking('unserved', 'pendidikan', fromCsv.length));

  const geojson = await download(page, 'export-geojson');
  assert.match(geojson.name, /\.(geo)?json$/);
  const collection = JSON.parse(geojson.text);
  assert.equal(collection.type, 'FeatureCollection');
  const fromGeojson = collection.features.map((f) => ({
    code: f.properties.code, unserved: f.properties.unserved,
    unmet_priority: f.properties.unmet_priority,
  }));
  assert.ok(fromGeojson.length > 0, 'the GeoJSON has no features');
  assert.deepEqual(fromGeojson, await ranking('unserved', 'pendidikan', fromGeojson.length));
  for (const f of collection.features)
    assert.ok(['Polygon', 'MultiPolygon'].includes(f.geometry?.type),
              `feature ${f.properties.code} has geometry ${f.geometry?.type}`);
  assert.deepEqual(page.problems(signInProbes), []);
});
