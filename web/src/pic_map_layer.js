// The PIC's work list on the map: each household as a numbered symbol, the number of its row in
// the list, drawn on a GeoJSON source and layers of its own added at runtime ('pic-work'). The
// style has no glyphs (map_style.js), so each number is a small image drawn on a canvas and added
// with map.addImage. A tap on a symbol chooses that row; the chosen one is ringed.

export const SOURCE = 'pic-work';
export const NUMBER_LAYER = 'pic-work-number';
const RING_LAYER = 'pic-work-ring';
const EMPTY = {type: 'FeatureCollection', features: []};
const COLORS = {todo: '#0b5cad', queued: '#b35c00', delivered: '#5b6875', ring: '#111111'};
const PIXEL_RATIO = 2;

function numberImage(text, fill) {
  const size = 28 * PIXEL_RATIO;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.beginPath();
  ctx.arc(size / 2, size / 2, size / 2 - 2 * PIXEL_RATIO, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 2 * PIXEL_RATIO;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.fillStyle = '#ffffff';
  ctx.font = `bold ${(text.length > 2 ? 10 : 13) * PIXEL_RATIO}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, size / 2, size / 2 + PIXEL_RATIO);
  const data = ctx.getImageData(0, 0, size, size);
  return {width: size, height: size, data: new Uint8Array(data.data.buffer)};
}

/** `onTap(pledgeId)` when a numbered symbol is tapped. */
export function createPicMapLayer({mapView, onTap}) {
  const map = mapView.map;
  let ready = false;
  let pending = EMPTY;
  let selected = '';

  function ensureImages(features) {
    for (const f of features) {
      const id = f.properties.icon;
      if (!map.hasImage(id)) map.addImage(id, numberImage(String(f.properties.number), COLORS[f.properties.state]),
        {pixelRatio: PIXEL_RATIO});
    }
  }

  function apply() {
    if (!ready) return;
    ensureImages(pending.features);
    map.getSource(SOURCE).setData(pending);
    map.setFilter(RING_LAYER, ['==', ['get', 'pledge'], selected]);
  }

  mapView.styleReady.then(() => {
    map.addSource(SOURCE, {type: 'geojson', data: EMPTY});
    map.addLayer({
      id: RING_LAYER, type: 'circle', source: SOURCE, filter: ['==', ['get', 'pledge'], ''],
      paint: {'circle-radius': 19, 'circle-opacity': 0, 'circle-stroke-color': COLORS.ring, 'circle-stroke-width': 3},
    });
    map.addLayer({
      id: NUMBER_LAYER, type: 'symbol', source: SOURCE,
      layout: {
        'icon-image': ['get', 'icon'],
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        // Nearer rows on top where symbols overlap.
        'symbol-sort-key': ['-', 0, ['get', 'number']],
      },
    });
    map.on('click', NUMBER_LAYER, (event) => {
      const hit = event.features?.[0];
      if (hit) onTap(hit.properties.pledge);
    });
    map.on('mouseenter', NUMBER_LAYER, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', NUMBER_LAYER, () => { map.getCanvas().style.cursor = ''; });
    ready = true;
    apply();
  });

  return {
    /** The shown work items ({number, state, pledge, target}); those with a location are drawn. */
    set(items) {
      const features = items.filter((x) => x.target.lon !== null && x.target.lon !== undefined)
        .map((x) => ({
          type: 'Feature',
          geometry: {type: 'Point', coordinates: [x.target.lon, x.target.lat]},
          properties: {
            number: x.number, state: x.state, pledge: x.pledge.id, target: x.target.id,
            icon: `pic-n-${x.state}-${x.number}`,
          },
        }));
      // Drawn from the last row up, so the first rows end on top.
      pending = {type: 'FeatureCollection', features: features.reverse()};
      apply();
    },
    select(pledgeId) {
      selected = pledgeId ?? '';
      apply();
    },
    clear() {
      pending = EMPTY;
      selected = '';
      apply();
    },
  };
}
