// Journey 1: anyone opens the map. It becomes ready, draws the RW polygons over Jakarta (the
// map's pixels there change when the RW layers are hidden), logs no error, at laptop and at
// phone size, in Indonesian by default with English a click away.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {
  apiOk, desktop, eventually, mapIdle, openBrowser, openMap, openPage, phone, shot,
  tilesSourceId,
} from './support.mjs';

// Medan Merdeka (Monas), the README's lookup point.
const monas = [106.8272, -6.1754];

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

// Sets the visibility of the map's layers drawn from the tiles' `rw` layer; their ids.
async function showRwLayers(page, visible) {
  const source = await tilesSourceId(page);
  const ids = await page.evaluate(([source, visible]) => {
    const map = window.sasaranMap;
    const ids = map.getStyle().layers
      .filter((l) => l.source === source && l['source-layer'] === 'rw').map((l) => l.id);
    for (const id of ids) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    return ids;
  }, [source, visible]);
  await mapIdle(page);
  return ids;
}

// Compares two PNG screenshots of the map, decoded in the page: the number of pixels that
// differ, and whether each probe point (CSS pixels in the map) differs in its 3x3 block.
async function comparePixels(page, pngA, pngB, probes) {
  return page.evaluate(async ([a, b, probes]) => {
    const decode = async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const [x, y] = [await decode(a), await decode(b)];
    if (x.width !== y.width || x.height !== y.height) return {sizes: [x.width, y.width]};
    const differs = (i) => x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] ||
                           x.data[i + 2] !== y.data[i + 2];
    let changed = 0;
    for (let i = 0; i < x.data.length; i += 4) if (differs(i)) changed++;
    const scale = x.width / window.sasaranMap.getContainer().clientWidth;
    const probed = probes.map(([px, py]) => {
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const cx = Math.round(px * scale) + dx, cy = Math.round(py * scale) + dy;
          if (differs((cy * x.width + cx) * 4)) n++;
        }
      }
      return n;
    });
    return {width: x.width, height: x.height, changed, probed};
  }, [pngA.toString('base64'), pngB.toString('base64'), probes]);
}

for (const [name, viewport] of [['desktop', desktop], ['phone', phone]]) {
  test(`draws the RW polygons over Jakarta with no console error at ${viewport.width}x${viewport.height}`,
       async (t) => {
    const page = await openPage(browser.context, viewport);
    const ms = await openMap(page);
    t.diagnostic(`${name}: body[data-ready=true] after ${Math.round(ms)} ms`);
    await shot(page, `render-${name}`);

    const map = page.locator('#map');
    assert.ok(await map.isVisible(), '#map is not visible');
    const box = await map.boundingBox();
    assert.ok(box.width >= viewport.width / 2 && box.height >= viewport.height / 3,
              `#map is only ${box.width}x${box.height}`);

    // Probes: the map's centre (the TileJSON centre, inside the city) and Monas, where they are
    // drawn inside the canvas and lie in an RW (checked with the API, not assumed).
    const probes = await page.evaluate((monas) => {
      const m = window.sasaranMap;
      const c = m.getCenter();
      const w = m.getContainer().clientWidth, h = m.getContainer().clientHeight;
      return [[c.lng, c.lat], monas].map(([lon, lat]) => {
        const p = m.project([lon, lat]);
        return {lon, lat, x: p.x, y: p.y, inside: p.x >= 2 && p.y >= 2 && p.x < w - 2 && p.y < h - 2};
      });
    }, monas);
    const inRw = [];
    for (const p of probes) {
      if (!p.inside) continue;
      const where = await apiOk(`/api/v1/lookup?lon=${p.lon}&lat=${p.lat}`);
      if (where.rw) inRw.push(p);
    }
    assert.ok(inRw.length >= 1, `no probe point lies in an RW inside the map: ${JSON.stringify(probes)}`);

    const shown = await map.screenshot();
    const hidden = await showRwLayers(page, false);
    assert.ok(hidden.length >= 1, 'the style has no layer drawing the tiles\' rw layer');
    const without = await map.screenshot();
    await shot(page, `render-${name}-rw-hidden`);
    await showRwLayers(page, true);

    const diff = await comparePixels(page, shown, without, inRw.map((p) => [p.x, p.y]));
    t.diagnostic(`${name}: ${diff.changed} of ${diff.width * diff.height} pixels drawn by the ` +
                 `RW layers ${hidden.join(', ')}`);
    assert.ok(diff.changed >= 0.05 * diff.width * diff.height,
              `only ${diff.changed} of ${diff.width}x${diff.height} pixels change without the RW layers`);
    assert.deepEqual(diff.probed, inRw.map(() => 9),
                     `pixels at ${JSON.stringify(inRw)} do not all change without the RW layers`);

    assert.deepEqual(page.problems(), []);
  });
}

test('speaks Indonesian by default and switches to English and back with the language button',
     async () => {
  const page = await openPage(browser.context, desktop);
  await openMap(page);
  const lang = () => page.evaluate(() => document.documentElement.lang);
  assert.equal(await lang(), 'id');
  const indonesian = await page.locator('body').innerText();
  await page.getByTestId('lang').click();
  assert.equal(await eventually(lang, 'en'), 'en');
  assert.notEqual(await page.locator('body').innerText(), indonesian,
                  'the text of the page did not change with the language');
  await shot(page, 'render-english');
  await page.getByTestId('lang').click();
  assert.equal(await eventually(lang, 'id'), 'id');
  assert.deepEqual(page.problems(), []);
});
