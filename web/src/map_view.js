// The MapLibre map: Jakarta from our composite vector tiles (kelurahan, rw, targets), with the
// overlays the panels draw (clicked point, nearest targets, the chosen one, a PIC's area and
// targets, the selected place). Tiles carry the session's bearer token (transformRequest), so
// the targets layer shows what the caller's role may see; a program filter or a write reloads
// them (they answer Cache-Control: no-cache with ETags, so unchanged tiles cost a 304).
import {
  AttributionControl,
  Map as MapLibreMap,
  NavigationControl,
  ScaleControl,
  setWorkerCount,
  setWorkerUrl,
} from 'maplibre-gl';
import {onChange as onLanguageChange, t} from './i18n.js';
import {buildStyle, EMPTY_COLLECTION, pointCollection, TILE_LAYERS} from './map_style.js';

/** Jakarta when the server's TileJSON cannot be read: the page still shows a map. */
export const FALLBACK_VIEW = {center: [106.8456, -6.2088], zoom: 10.5, bounds: null};

const NONE = ['==', ['get', 'code'], '__none__'];

// MapLibre's own UI texts (its `locale` option), in the page's language.
function mapLocale() {
  return {
    'NavigationControl.ZoomIn': t('map.zoomin'),
    'NavigationControl.ZoomOut': t('map.zoomout'),
    'NavigationControl.ResetBearing': t('map.resetbearing'),
    'Map.Title': t('map.canvas'),
    'AttributionControl.ToggleAttribution': t('map.attribution.toggle'),
  };
}

// The controls read the locale when added; after a language switch their buttons are named
// again here (the same texts MapLibre would have set).
function relabel(container) {
  const name = (selector, text) => {
    for (const node of container.querySelectorAll(selector)) {
      node.title = text;
      node.setAttribute('aria-label', text);
    }
  };
  name('.maplibregl-ctrl-zoom-in', t('map.zoomin'));
  name('.maplibregl-ctrl-zoom-out', t('map.zoomout'));
  name('.maplibregl-ctrl-compass', t('map.resetbearing'));
  container.querySelector('.maplibregl-canvas')?.setAttribute('aria-label', t('map.canvas'));
}

/**
 * The first view from the TileJSON of our composite source: its centre and bounds. The page's
 * head asks for it before app.js has loaded (window.sasaranEarly); else it is asked for here.
 */
export async function readTileJson(api) {
  let tilejson = null;
  try {
    tilejson = await window.sasaranEarly?.tilejson;
  } catch {
    tilejson = null;  // asked again below, where a failure is said
  }
  tilejson ??= await api.get(`tiles/${TILE_LAYERS}.json`);
  const [lon, lat, zoom] = tilejson.center ?? FALLBACK_VIEW.center.concat(FALLBACK_VIEW.zoom);
  return {center: [lon, lat], zoom: zoom ?? 11, bounds: tilejson.bounds ?? null};
}

/**
 * MapLibre's worker module as a blob: URL, from the page head's preload: each of the two
 * workers then starts from memory, instead of both downloading the 150 kB module on a first
 * visit (and revalidating it on the next). The file's own URL when it cannot be read so.
 */
export async function workerSource(base) {
  const url = new URL('maplibre-gl-worker.mjs', base).href;
  try {
    const response = await fetch(url);
    if (!response.ok) return url;
    return URL.createObjectURL(new Blob([await response.text()], {type: 'text/javascript'}));
  } catch {
    return url;
  }
}

export function createMapView({container, base, getToken, view, onTileError, workerUrl = null}) {
  // MapLibre 6 runs its worker as a module file of its own, served beside the page.
  setWorkerUrl(workerUrl ?? new URL('maplibre-gl-worker.mjs', base).href);
  // Two workers parse the first view's tiles about 0.3 s sooner than MapLibre's default of one
  // (measured with headless Chromium on a 2-core machine).
  setWorkerCount(2);
  const tilesPrefix = `${base}tiles/`;
  let program = '';
  // Built as text: URL() would percent-encode the {z}/{x}/{y} placeholders.
  const tilesUrl = () =>
    `${tilesPrefix}${TILE_LAYERS}/{z}/{x}/{y}.mvt` + (program ? `?program=${encodeURIComponent(program)}` : '');

  const narrow = container.clientWidth < 600;
  const map = new MapLibreMap({
    container,
    style: buildStyle({tilesUrl: tilesUrl(), bounds: view.bounds}),
    center: view.center,
    zoom: narrow ? Math.max(view.zoom - 1, 9) : view.zoom,
    attributionControl: false,
    locale: mapLocale(),
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    transformRequest: (url) => {
      const token = getToken();
      if (token && url.startsWith(tilesPrefix)) return {url, headers: {Authorization: `Bearer ${token}`}};
      return undefined;
    },
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({showCompass: false}), 'top-right');
  map.addControl(new ScaleControl({unit: 'metric'}), 'bottom-left');
  // Never collapsed: the data's attribution stays readable at phone width too.
  map.addControl(new AttributionControl({compact: false}), 'bottom-right');
  map.on('error', (event) => onTileError(event.error ?? event));
  onLanguageChange(() => relabel(container));

  const beforeMove = [];
  const styleReady = new Promise((resolve) => map.once('load', resolve));
  const whenReady = (action) => styleReady.then(action);

  return {
    map,
    styleReady,
    program: () => program,

    setProgram(value) {
      program = value;
      this.reloadTiles();
    },

    /** Asks for every shown tile again: after a write, a sign-in or a program change. */
    reloadTiles() {
      whenReady(() => map.getSource('sasaran').setTiles([tilesUrl()]));
    },

    setPoints(sourceId, points) {
      whenReady(() => map.getSource(sourceId).setData(pointCollection(points)));
    },

    setShapes(sourceId, collection) {
      whenReady(() => map.getSource(sourceId).setData(collection ?? EMPTY_COLLECTION));
    },

    /** Outlines the selected kelurahan and RW (codes, or null). */
    select({kelurahan = null, rw = null} = {}) {
      whenReady(() => {
        map.setFilter('selected-kelurahan-line', kelurahan ? ['==', ['get', 'code'], kelurahan] : NONE);
        map.setFilter('selected-rw-line', rw ? ['==', ['get', 'code'], rw] : NONE);
      });
    },

    /**
     * Outlines a PIC's area: kelurahan of the given kota, kecamatan or kelurahan codes (BPS codes
     * nest, so a kelurahan's code starts with theirs), the given RWs, and other shapes (RTs).
     */
    setScope({prefixes = [], rwCodes = [], shapes = null} = {}) {
      whenReady(() => {
        map.setFilter('scope-kelurahan-line', prefixes.length
          ? ['any', ...prefixes.map((p) => ['==', ['slice', ['get', 'code'], 0, p.length], p])]
          : NONE);
        map.setFilter('scope-rw-line', rwCodes.length ? ['in', ['get', 'code'], ['literal', rwCodes]] : NONE);
        map.getSource('scope').setData(shapes ?? EMPTY_COLLECTION);
      });
    },

    /** Called before the map is moved by the page (the phone layout shows the map then). */
    onBeforeMove(listener) {
      beforeMove.push(listener);
    },

    /** Zooms to [minLon, minLat, maxLon, maxLat]. */
    fitBbox(bbox, maxZoom = 16) {
      if (!Array.isArray(bbox) || bbox.length !== 4) return;
      for (const listener of beforeMove) listener();
      map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 40, maxZoom, duration: 500});
    },

    flyTo(lon, lat, zoom) {
      for (const listener of beforeMove) listener();
      map.easeTo({center: [lon, lat], zoom: Math.max(map.getZoom(), zoom), duration: 500});
    },

    center() {
      const c = map.getCenter();
      return {lon: c.lng, lat: c.lat};
    },

    onClick(listener) {
      map.on('click', (event) => listener({lon: event.lngLat.lng, lat: event.lngLat.lat, pixel: {x: event.point.x, y: event.point.y}}));
    },

    /**
     * The spot ({lon, lat}, and `cell` "x,y" for a cell circle) of the target dot or cell drawn
     * at `pixel` (within a finger's width), or null: for a collaborator a dot is a cell, every
     * target of which sits at its spot.
     */
    targetAt(pixel) {
      if (!map.getLayer('target-points')) return null;
      const r = 8;
      const [feature] = map.queryRenderedFeatures([[pixel.x - r, pixel.y - r], [pixel.x + r, pixel.y + r]],
        {layers: ['nearest-points', 'target-cells', 'target-points']});
      if (!feature || feature.geometry.type !== 'Point') return null;
      const [lon, lat] = feature.geometry.coordinates;
      return feature.properties?.cell ? {lon, lat, cell: feature.properties.cell} : {lon, lat};
    },
  };
}
