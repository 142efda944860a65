// Journey 2: anyone asks "where is this?". A click on the map shows the kelurahan and RW that
// /api/v1/lookup gives for the clicked point; the search box finds what /api/v1/areas finds
// and takes the map there.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  apiOk, attributesOf, clickMapAt, desktop, eventually, jumpTo, openBrowser, openMap, openPage,
  shot,
} from './support.mjs';

// Two points in different kelurahan: Monas (Gambir, the README's lookup point) and one in
// Bali Mester, Jatinegara (DESIGN.md's example kelurahan).
const points = [
  {name: 'monas', lon: 106.8272, lat: -6.1754, kelurahan: '3173080003'},
  {name: 'bali-mester', lon: 106.8655, lat: -6.2165, kelurahan: '3172060007'},
];

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const placeShown = (page) => Promise.all(['place-kelurahan', 'place-rw'].map(async (id) => {
  const el = page.getByTestId(id);
  if (await el.count() !== 1) return null;
  return {code: await el.getAttribute('data-code'), name: (await el.innerText()).trim()};
}));

test('a click on the map shows the kelurahan and RW that /api/v1/lookup gives for that point',
     async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  for (const p of points) {
    // The fixture points are where the test means them to be.
    const meant = await apiOk(`/api/v1/lookup?lon=${p.lon}&lat=${p.lat}`);
    assert.equal(meant.kelurahan?.code, p.kelurahan, `${p.name} is not in ${p.kelurahan}`);
    assert.ok(meant.rw, `${p.name} is in no RW`);

    await jumpTo(page, p.lon, p.lat, 16);
    const [lon, lat] = await clickMapAt(page, p.lon, p.lat);
    const where = await apiOk(`/api/v1/lookup?lon=${lon}&lat=${lat}`);
    assert.equal(where.kelurahan.code, p.kelurahan, `the click landed at ${lon}, ${lat}`);
    const expected = [
      {code: where.kelurahan.code, name: where.kelurahan.name},
      {code: where.rw.code, name: where.rw.name},
    ];
    assert.deepEqual(await eventually(() => placeShown(page), expected), expected);
    assert.ok(await page.getByTestId('place').isVisible(), 'the place panel is hidden');
    await shot(page, `lookup-${p.name}`);
  }
  assert.deepEqual(page.problems(), []);
});

test('the search box lists the areas /api/v1/areas finds and a result takes the map there',
     async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  await page.getByTestId('search').fill('bali mester');
  const results = () => attributesOf(page, 'search-result', ['data-code'])
    .then((rows) => rows.map((r) => r['data-code']));
  const shown = await eventually(results, (codes) => Array.isArray(codes) && codes.length > 0);
  const found = await apiOk(`/api/v1/areas?q=${encodeURIComponent('bali mester')}` +
                            `&limit=${shown.length}`);
  assert.deepEqual(shown, found.areas.map((a) => a.code));
  assert.equal(shown[0], '3172060007', 'the exact name comes first');
  await shot(page, 'lookup-search');

  await page.getByTestId('search-result').first().click();
  const area = await apiOk('/api/v1/areas/3172060007');
  const [w, s, e, n] = area.bbox;
  const inBox = ({lng, lat}) => lng >= w && lng <= e && lat >= s && lat <= n;
  const centre = await eventually(
    () => page.evaluate(() => window.sasaranMap.isMoving() ? null : window.sasaranMap.getCenter()),
    (c) => c !== null && inBox(c));
  assert.ok(centre && inBox(centre),
            `the map centre ${JSON.stringify(centre)} is outside Bali Mester's box ${area.bbox}`);
  await shot(page, 'lookup-search-result');
  assert.deepEqual(page.problems(), []);
});
