// Sasaran's vector tiles read back by an independent decoder, @mapbox/vector-tile (the one
// MapLibre GL JS uses), from a real `sasaran serve` over the Jakarta data. The server's base
// URL comes from SASARAN_BASE_URL; run_reader_test.sh starts the server and sets it.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {gunzipSync} from 'node:zlib';
import {VectorTile} from '@mapbox/vector-tile';
import {PbfReader, PbfWriter} from 'pbf';

const base = process.env.SASARAN_BASE_URL;
assert.match(base ?? '', /^http:\/\/[^/]+$/, 'SASARAN_BASE_URL must be http://HOST:PORT');

const POLYGON = 3;  // MVT 2.1 §4.3.4, GeomType
const EXTENT = 4096;
const BUFFER = 64;  // tile units the server keeps around each tile (tiles/tile_id.hpp)

const coverage = {
  targets: 'number', pledged: 'number', delivered: 'number', pledged_ratio: 'number',
  delivered_ratio: 'number', unserved: 'number', unmet_priority: 'number',
};

// What each layer holds, as the TileJSON documents it (`String…` a string, `Number…` a
// number), in the order of the layers in a composite tile. A new layer is one entry here, a
// geometry checker for its type in `checkGeometry`, and its tiles in `tiles` below.
const layers = {
  kelurahan: {
    minzoom: 0, type: POLYGON,
    fields: {code: 'string', name: 'string', kecamatan: 'string', kota: 'string', ...coverage},
  },
  rw: {
    minzoom: 0, type: POLYGON,
    fields: {code: 'string', rw: 'number', kelurahan: 'string', ...coverage},
  },
  // Tiles are the same for every caller, so an RT carries no figures (docs/privacy.md).
  rt: {
    minzoom: 14, type: POLYGON,
    fields: {code: 'string', rt: 'number', rw: 'string', kelurahan: 'string'},
  },
};
const sources = Object.keys(layers);

// Tiles from ../shared/bench/tiles_browse_mix.txt, all in the built-up city, so each layer
// that applies at the zoom has features there.
const tiles = [
  {z: 10, x: 816, y: 529, sources: ['kelurahan', 'rw', 'rt']},
  {z: 10, x: 815, y: 530, sources: ['kelurahan']},
  {z: 12, x: 3263, y: 2118, sources: ['kelurahan', 'rw', 'rt']},
  {z: 12, x: 3262, y: 2119, sources: ['rw']},
  {z: 14, x: 13052, y: 8475, sources: ['kelurahan', 'rw', 'rt']},
  {z: 14, x: 13055, y: 8478, sources: ['rt']},
  {z: 16, x: 52218, y: 33900, sources: ['kelurahan', 'rw', 'rt']},
  {z: 16, x: 52224, y: 33896, sources: ['rw', 'rt']},
];

const urlOf = (t, names = t.sources) => `/tiles/${names.join(',')}/${t.z}/${t.x}/${t.y}.mvt`;
const applies = (t) => t.sources.filter((s) => t.z >= layers[s].minzoom);

// GET with node:http, which sends no Accept-Encoding unless told: the body is what came.
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(new URL(path, base), {headers}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers,
                                   body: Buffer.concat(chunks)}));
    }).on('error', reject);
  });
}

async function getJson(path) {
  const r = await get(path);
  assert.equal(r.status, 200, `GET ${path}: ${r.body}`);
  return JSON.parse(r.body.toString('utf8'));
}

async function getTile(t) {
  const r = await get(urlOf(t));
  assert.equal(r.status, 200, `GET ${urlOf(t)}`);
  assert.equal(r.headers['content-type'], 'application/vnd.mapbox-vector-tile');
  assert.equal(r.headers['content-encoding'], undefined, 'not asked for gzip');
  return r.body;
}

// The names of the tile's layer messages as written, duplicates included: VectorTile keys its
// layers by name, so a repeated name would hide there.
function rawLayerNames(bytes) {
  const names = [];
  new PbfReader(bytes).readFields((tag, _, pbf) => {
    if (tag !== 3) return;  // Tile.layers
    const end = pbf.readVarint() + pbf.pos;
    pbf.readFields((ltag) => { if (ltag === 1) names.push(pbf.readString()); }, null, end);
  });
  return names;
}

// Twice the signed area by the surveyor's formula, in tile coordinates (y down): positive for
// an exterior ring, negative for a hole (MVT 2.1 §4.3.4.4).
function doubledArea(ring) {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    sum += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  return sum;
}

// Rings as loadGeometry returns them: ClosePath appends the first point again.
function checkPolygon(feature, where) {
  const rings = feature.loadGeometry();
  assert.ok(rings.length > 0, `${where}: no ring`);
  rings.forEach((ring, r) => {
    const at = `${where} ring ${r}`;
    assert.ok(ring.length >= 4, `${at}: ${ring.length} points, a ring needs 3 and the closing one`);
    assert.deepEqual(ring.at(-1), ring[0], `${at}: not closed by ClosePath`);
    ring.forEach((p, i) => {
      assert.ok(Number.isInteger(p.x) && Number.isInteger(p.y), `${at} point ${i}: not integer`);
      assert.ok(p.x >= -BUFFER && p.x <= EXTENT + BUFFER && p.y >= -BUFFER &&
                p.y <= EXTENT + BUFFER, `${at} point ${i} (${p.x}, ${p.y}) outside the buffer`);
      if (i > 0)
        assert.ok(p.x !== ring[i - 1].x || p.y !== ring[i - 1].y,
                  `${at} point ${i} (${p.x}, ${p.y}) repeats the one before`);
    });
    const area = doubledArea(ring);
    assert.notEqual(area, 0, `${at}: no area`);
    // The first ring opens a polygon, so it must be exterior; later ones are either.
    if (r === 0) assert.ok(area > 0, `${at}: the first ring winds as a hole (area ${area / 2})`);
  });
}

const checkGeometry = {[POLYGON]: checkPolygon};

// Counts are whole and agree with each other; ratios are the same division the engine makes.
function checkCoverage(p, where) {
  for (const k of ['targets', 'pledged', 'delivered', 'unserved', 'unmet_priority'])
    assert.ok(Number.isSafeInteger(p[k]) && p[k] >= 0, `${where}: ${k} = ${p[k]}`);
  assert.ok(p.delivered <= p.pledged && p.pledged <= p.targets, `${where}: counts out of order`);
  assert.equal(p.unserved, p.targets - p.pledged, `${where}: unserved`);
  assert.equal(p.pledged_ratio, p.targets ? p.pledged / p.targets : 0, `${where}: pledged_ratio`);
  assert.equal(p.delivered_ratio, p.targets ? p.delivered / p.targets : 0,
               `${where}: delivered_ratio`);
}

// The codes nest (BPS: kelurahan 10 digits, RW 3 more, RT 3 more) and the numbers are their
// last three digits.
function checkCodes(name, p, where) {
  const expected = {kelurahan: 10, rw: 13, rt: 16}[name];
  assert.match(p.code, new RegExp(`^\\d{${expected}}$`), `${where}: code`);
  if (name === 'rw') {
    assert.equal(p.kelurahan, p.code.slice(0, 10), `${where}: kelurahan`);
    assert.equal(Number(p.rw), Number(p.code.slice(10)), `${where}: rw number`);
  }
  if (name === 'rt') {
    assert.equal(p.rw, p.code.slice(0, 13), `${where}: rw`);
    assert.equal(p.kelurahan, p.code.slice(0, 10), `${where}: kelurahan`);
    assert.equal(Number(p.rt), Number(p.code.slice(13)), `${where}: rt number`);
  }
}

function decode(bytes) {
  return new VectorTile(new PbfReader(bytes));
}

// A tile with one polygon feature made of `rings` (open, as an encoder holds them), read back;
// `close` false leaves out ClosePath. For the test that the geometry checks can fail.
function polygonFeature(rings, close = true) {
  const geometry = [];
  const zigzag = (n) => (n << 1) ^ (n >> 31);
  let [cx, cy] = [0, 0];
  for (const ring of rings) {
    ring.forEach(([x, y], i) => {
      if (i === 0) geometry.push(1 | (1 << 3));  // MoveTo 1
      if (i === 1) geometry.push(2 | ((ring.length - 1) << 3));  // LineTo n-1
      geometry.push(zigzag(x - cx), zigzag(y - cy));
      [cx, cy] = [x, y];
    });
    if (close) geometry.push(7 | (1 << 3));
  }
  const pbf = new PbfWriter();
  pbf.writeMessage(3, () => {
    pbf.writeVarintField(15, 2);
    pbf.writeStringField(1, 'test');
    pbf.writeMessage(2, () => {
      pbf.writeVarintField(1, 1);
      pbf.writeVarintField(3, POLYGON);
      pbf.writePackedVarint(4, geometry);
    });
    pbf.writeVarintField(5, EXTENT);
  });
  return decode(pbf.finish()).layers.test.feature(0);
}

test('the geometry checks accept a square with a hole and reject broken rings', () => {
  const square = [[0, 0], [100, 0], [100, 100], [0, 100]];  // clockwise on screen
  const hole = [[10, 10], [10, 90], [90, 90], [90, 10]];
  checkPolygon(polygonFeature([square, hole]), 'square with a hole');
  const broken = {
    'a hole first': [[...square].reverse()],
    'a repeated point': [[[0, 0], [100, 0], [100, 0], [100, 100], [0, 100]]],
    'two points': [[[0, 0], [100, 0]]],
    'no area': [[[0, 0], [100, 0], [200, 0]]],
    'a point past the buffer': [[[0, 0], [4161, 0], [4161, 100], [0, 100]]],
  };
  for (const [what, rings] of Object.entries(broken))
    assert.throws(() => checkPolygon(polygonFeature(rings), what), assert.AssertionError, what);
  assert.throws(() => checkPolygon(polygonFeature([square], false), 'open'), /not closed/);
});

// The JS type a TileJSON field description declares ("String: …", "Number: …"), else the text.
const typeOf = (text) => ({String: 'string', Number: 'number'})[text.split(':')[0]] ?? text;

test('the TileJSON lists the layers, fields and zooms the tiles are checked against', async () => {
  const doc = await getJson(`/tiles/${sources.join(',')}.json`);
  assert.equal(doc.tilejson, '3.0.0');
  assert.deepEqual(doc.tiles, [`${base}/tiles/${sources.join(',')}/{z}/{x}/{y}.mvt`]);
  assert.deepEqual(doc.vector_layers.map((l) => l.id), sources);
  for (const l of doc.vector_layers) {
    const declared = Object.fromEntries(Object.entries(l.fields).map(([k, t]) => [k, typeOf(t)]));
    assert.deepEqual(declared, layers[l.id].fields, `fields of ${l.id}`);
    assert.equal(l.minzoom, layers[l.id].minzoom, `minzoom of ${l.id}`);
    assert.equal(l.maxzoom, 22, `maxzoom of ${l.id}`);
  }
});

// Every feature of every layer of a decoded tile, with where it is for messages.
function* featuresOf(tile) {
  for (const [name, layer] of Object.entries(tile.layers))
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      yield {name, spec: layers[name], f, where: `${name} feature ${i} (id ${f.id})`};
    }
}

// Property types are a subtest of their own, so a wrong type leaves the geometry checked.
for (const t of tiles) {
  test(urlOf(t), async (tt) => {
    const bytes = await getTile(t);
    const tile = decode(bytes);
    await tt.test('layers in order, once each, version 2, extent 4096', () => {
      assert.deepEqual(rawLayerNames(bytes), applies(t), 'layer messages');
      assert.deepEqual(Object.keys(tile.layers), applies(t), 'decoded layers');
      for (const [name, layer] of Object.entries(tile.layers)) {
        assert.equal(layer.version, 2, `${name}: version`);
        assert.equal(layer.extent, EXTENT, `${name}: extent`);
        assert.ok(layer.length > 0, `${name}: no features`);
      }
    });
    await tt.test('features: unique ids, property names, codes, coverage, valid polygons', () => {
      const ids = Object.fromEntries(Object.keys(tile.layers).map((name) => [name, new Set()]));
      for (const {name, spec, f, where} of featuresOf(tile)) {
        assert.ok(Number.isSafeInteger(f.id), `${where}: no id, or one past 2^53`);
        assert.ok(!ids[name].has(f.id), `${where}: id repeated in the layer`);
        ids[name].add(f.id);
        assert.equal(f.type, spec.type, `${where}: geometry type`);
        assert.deepEqual(Object.keys(f.properties).sort(), Object.keys(spec.fields).sort(),
                         `${where}: property names`);
        assert.equal(String(f.id), f.properties.code, `${where}: the id is the code`);
        checkCodes(name, f.properties, where);
        if (name !== 'rt') checkCoverage(f.properties, where);
        checkGeometry[spec.type](f, where);
      }
    });
    await tt.test('property types as the TileJSON declares them', () => {
      const wrong = new Set();
      for (const {name, spec, f} of featuresOf(tile))
        for (const [k, type] of Object.entries(spec.fields))
          if (typeof f.properties[k] !== type)
            wrong.add(`${name}.${k} is a ${typeof f.properties[k]}, not a ${type}`);
      assert.deepEqual([...wrong], []);
    });
  });
}

test('a source below its minzoom is left out of a composite tile and alone is a 204', async () => {
  const t = {z: 12, x: 3263, y: 2118};
  assert.deepEqual(Object.keys(decode(await getTile({...t, sources: ['rw', 'rt']})).layers),
                   ['rw']);
  const r = await get(urlOf({...t, sources: ['rt']}));
  assert.equal(r.status, 204);
  assert.equal(r.body.length, 0);
});

test('a single-source tile is the same layer as in the composite tile', async () => {
  const t = tiles.find((x) => x.z === 16 && x.sources.length === 3);
  const composite = decode(await getTile(t));
  for (const name of applies(t)) {
    const single = decode(await getTile({...t, sources: [name]}));
    assert.deepEqual(Object.keys(single.layers), [name]);
    const features = (layer) => Array.from({length: layer.length}, (_, i) => {
      const f = layer.feature(i);
      return {id: f.id, properties: {...f.properties}, geometry: f.loadGeometry()};
    });
    assert.deepEqual(features(single.layers[name]), features(composite.layers[name]), name);
  }
});

test('the gzipped tile gunzips to the same bytes', async () => {
  const t = tiles.find((x) => x.z === 14 && x.sources.length === 3);
  const plain = await getTile(t);
  const r = await get(urlOf(t), {'Accept-Encoding': 'gzip'});
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(r.body).equals(plain));
});

// The tile's properties are the area's coverage as the JSON API gives it (ratios rounded to
// four decimals there, the same way: std::round(v * 1e4) / 1e4), and its names and parents.
test('tile properties agree with /api/v1/areas/{code} for the first and last features',
     async () => {
  const t = tiles.find((x) => x.z === 14 && x.sources.length === 3);
  const tile = decode(await getTile(t));
  let compared = 0;
  for (const [name, layer] of Object.entries(tile.layers)) {
    for (const i of [0, layer.length - 1]) {
      const p = layer.feature(i).properties;
      const where = `${name} ${p.code}`;
      const area = await getJson(`/api/v1/areas/${p.code}`);
      assert.equal(area.level, name, `${where}: level`);
      // The public figures, as an anonymous caller reads them; none for an RT.
      assert.equal(area.figures, name === 'rt' ? 'withheld' : 'by_cell', `${where}: figures`);
      const all = area.coverage?.all ?? {};
      for (const k of ['targets', 'pledged', 'delivered', 'unserved', 'unmet_priority'])
        assert.equal(p[k], all[k], `${where}: ${k}`);
      for (const k of ['pledged_ratio', 'delivered_ratio'])
        assert.equal(p[k] === undefined ? undefined : Math.round(p[k] * 1e4) / 1e4, all[k],
                     `${where}: ${k}`);
      const parent = (level) => area.parents.find((a) => a.level === level);
      if (name === 'kelurahan') {
        assert.equal(p.name, area.name, `${where}: name`);
        assert.equal(p.kecamatan, parent('kecamatan').name, `${where}: kecamatan`);
        assert.equal(p.kota, parent('kota').name, `${where}: kota`);
      } else {
        assert.equal(p.kelurahan, parent('kelurahan').code, `${where}: kelurahan`);
        if (name === 'rt') assert.equal(p.rw, parent('rw').code, `${where}: rw`);
      }
      compared++;
    }
  }
  assert.equal(compared, 6);
});

// Anonymous callers see targets only as one point per RW with its counts (docs/api.md): every
// feature a point inside the tile, the counts adding up, and equal to the RW's coverage.
const PROGRAMS = ['pangan', 'umkm', 'pendidikan', 'persampahan', 'permukiman', 'ketenagakerjaan'];
test('the targets layer gives anonymous callers counts per RW and nothing else', async () => {
  for (const t of [{z: 12, x: 3263, y: 2118}, {z: 16, x: 52218, y: 33900}]) {
    const r = await get(`/tiles/targets/${t.z}/${t.x}/${t.y}.mvt`);
    assert.equal(r.status, 200, `${t.z}/${t.x}/${t.y}`);
    const layer = decode(r.body).layers.targets;
    assert.ok(layer && layer.length > 0, 'no RW marker');
    let compared = 0;
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const p = f.properties;
      const where = `targets ${t.z}/${t.x}/${t.y} feature ${i}`;
      assert.equal(f.type, 1, `${where}: not a point`);
      const g = f.loadGeometry();
      assert.equal(g.length, 1, `${where}: parts`);
      assert.equal(g[0].length, 1, `${where}: points`);
      const {x, y} = g[0][0];
      assert.ok(x >= 0 && x < EXTENT && y >= 0 && y < EXTENT, `${where}: (${x}, ${y}) outside`);
      assert.deepEqual(Object.keys(p).sort(), ['kind', 'code', 'count', 'status_open',
        'status_pledged', 'status_delivered', ...PROGRAMS.map((n) => `program_${n}`)].sort(),
                       where);
      assert.equal(p.kind, 'rw', where);
      assert.equal(p.status_open + p.status_pledged + p.status_delivered, p.count, where);
      assert.equal(PROGRAMS.reduce((s, n) => s + p[`program_${n}`], 0), p.count, where);
      if (i < 3) {
        const all = (await getJson(`/api/v1/areas/${p.code}`)).coverage.all;
        assert.equal(p.count, all.targets, `${where}: count`);
        assert.equal(p.status_open, all.targets - all.pledged, `${where}: open`);
        assert.equal(p.status_delivered, all.delivered, `${where}: delivered`);
        compared++;
      }
    }
    assert.ok(compared > 0);
  }
});
