// The map's style, built here from our own vector tiles only: no basemap, glyph, sprite or font
// host is needed (a deployment may have none). Names are shown in the HTML panels, so there are
// no symbol layers; targets, cells and clusters are circles.

export const TILE_LAYERS = 'kelurahan,rw,targets';
export const ATTRIBUTION = 'BPS / OCHA HDX (CC BY-IGO)';

// The RW shade is ColorBrewer's sequential YlGnBu (safe for the common colour-vision deficiencies,
// and readable in greyscale: lightness falls with the ratio): pale yellow, no pledge yet; dark
// blue, every target pledged. A target's status is told by shape as well as colour: open is a
// hollow ring, pledged a filled dot, delivered a filled dot with a white centre.
export const COLORS = {
  ratioStops: [
    [0, '#ffffcc'],
    [0.1, '#c7e9b4'],
    [0.25, '#7fcdbb'],
    [0.5, '#41b6c4'],
    [0.75, '#2c7fb8'],
    [1, '#253494'],
  ],
  noTargets: '#cfcfcf',
  kelurahanLine: '#3d3d3d',
  status: {open: '#b35806', pledged: '#542788', delivered: '#111111'},
  cluster: '#34495e',
  selection: '#00a6d6',
  scope: '#7b2cbf',
  nearest: '#ff7f00',
};

const EMPTY = {type: 'FeatureCollection', features: []};

// A cell feature (kind cell) with at least one open target.
const hasOpen = ['>', ['coalesce', ['get', 'status_open'], 0], 0];

function statusColor() {
  return ['match', ['get', 'status'],
    'pledged', COLORS.status.pledged,
    'delivered', COLORS.status.delivered,
    COLORS.status.open];
}

// Open targets are rings (white inside), the others filled.
function statusFill() {
  return ['match', ['get', 'status'], 'open', '#ffffff', statusColor()];
}

// The paint of a status dot of `radius` (an expression); `ring` the stroke of filled dots.
function statusDot(radius, ring) {
  return {
    'circle-color': statusFill(),
    'circle-radius': radius,
    'circle-stroke-color': ['match', ['get', 'status'], 'open', COLORS.status.open, ring],
    'circle-stroke-width': ['match', ['get', 'status'], 'open', 2.5, 1],
  };
}

// The white centre that marks a delivered target.
function deliveredCentre(id, source, sourceLayer, filter, radius) {
  return {
    id, type: 'circle', source, ...(sourceLayer ? {'source-layer': sourceLayer} : {}),
    filter: ['all', filter, ['==', ['get', 'status'], 'delivered']],
    paint: {'circle-color': '#ffffff', 'circle-radius': radius},
  };
}

/** Sources (the composite tiles and a few GeoJSON overlays) and layers, bottom to top. */
export function buildStyle({tilesUrl, bounds}) {
  const ratioRamp = ['interpolate', ['linear'], ['coalesce', ['get', 'pledged_ratio'], 0],
    ...COLORS.ratioStops.flat()];
  return {
    version: 8,
    sources: {
      sasaran: {
        type: 'vector',
        tiles: [tilesUrl],
        minzoom: 0,
        // Above 16 MapLibre scales z16 tiles: shapes are simplified to a tile unit, which at z16
        // is under a metre, and exact target positions keep that precision.
        maxzoom: 16,
        ...(bounds ? {bounds} : {}),
        attribution: ATTRIBUTION,
      },
      clicked: {type: 'geojson', data: EMPTY},
      nearest: {type: 'geojson', data: EMPTY},
      chosen: {type: 'geojson', data: EMPTY},
      'pic-targets': {type: 'geojson', data: EMPTY},
      scope: {type: 'geojson', data: EMPTY},
    },
    layers: [
      {id: 'background', type: 'background', paint: {'background-color': '#e8eef3'}},
      {
        id: 'kelurahan-fill', type: 'fill', source: 'sasaran', 'source-layer': 'kelurahan',
        paint: {'fill-color': '#fbfaf7'},
      },
      {
        id: 'rw-fill', type: 'fill', source: 'sasaran', 'source-layer': 'rw',
        paint: {
          'fill-color': ['case', ['<=', ['coalesce', ['get', 'targets'], 0], 0], COLORS.noTargets, ratioRamp],
          'fill-opacity': 0.78,
        },
      },
      {
        id: 'rw-line', type: 'line', source: 'sasaran', 'source-layer': 'rw', minzoom: 12,
        paint: {
          'line-color': '#ffffff',
          'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.3, 15, 1.2],
        },
      },
      {
        id: 'kelurahan-line', type: 'line', source: 'sasaran', 'source-layer': 'kelurahan',
        paint: {
          'line-color': COLORS.kelurahanLine,
          'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1.6],
        },
      },
      {
        id: 'scope-kelurahan-line', type: 'line', source: 'sasaran', 'source-layer': 'kelurahan',
        filter: ['==', ['get', 'code'], '__none__'],
        paint: {'line-color': COLORS.scope, 'line-width': 3.5},
      },
      {
        id: 'scope-rw-line', type: 'line', source: 'sasaran', 'source-layer': 'rw',
        filter: ['==', ['get', 'code'], '__none__'],
        paint: {'line-color': COLORS.scope, 'line-width': 3.5},
      },
      {
        id: 'scope-shape-line', type: 'line', source: 'scope',
        paint: {'line-color': COLORS.scope, 'line-width': 3.5},
      },
      {
        id: 'selected-kelurahan-line', type: 'line', source: 'sasaran', 'source-layer': 'kelurahan',
        filter: ['==', ['get', 'code'], '__none__'],
        paint: {'line-color': COLORS.selection, 'line-width': 2.5, 'line-dasharray': [2, 1]},
      },
      {
        id: 'selected-rw-line', type: 'line', source: 'sasaran', 'source-layer': 'rw',
        filter: ['==', ['get', 'code'], '__none__'],
        paint: {'line-color': COLORS.selection, 'line-width': 3.5},
      },
      {
        // Anonymous callers: the number of targets per RW, never a target.
        id: 'rw-counts', type: 'circle', source: 'sasaran', 'source-layer': 'targets', minzoom: 13,
        filter: ['==', ['get', 'kind'], 'rw'],
        paint: {
          'circle-color': COLORS.status.open,
          'circle-opacity': 0.35,
          'circle-radius': ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'count'], 0]], 0, 0, 40, 22],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
      {
        id: 'target-clusters', type: 'circle', source: 'sasaran', 'source-layer': 'targets',
        filter: ['==', ['get', 'kind'], 'cluster'],
        paint: {
          'circle-color': COLORS.cluster,
          'circle-opacity': 0.3,
          'circle-radius': ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'count'], 0]], 1, 2, 40, 13],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
      {
        // From zoom 14, targets seen by cell (collaborators, planners, a PIC outside their area):
        // one circle per ~100 m cell, larger with more targets, filled in the open colour while
        // the cell has open targets (what a collaborator picks from), faint once none is left.
        id: 'target-cells', type: 'circle', source: 'sasaran', 'source-layer': 'targets',
        filter: ['==', ['get', 'kind'], 'cell'],
        paint: {
          'circle-color': ['case', hasOpen, COLORS.status.open, COLORS.status.pledged],
          'circle-opacity': ['case', hasOpen, 0.8, 0.35],
          'circle-radius': ['interpolate', ['linear'], ['zoom'],
            14, ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'count'], 0]], 1, 3, 8, 8],
            17, ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'count'], 0]], 1, 7, 8, 18]],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5,
        },
      },
      {
        id: 'target-points', type: 'circle', source: 'sasaran', 'source-layer': 'targets',
        filter: ['==', ['get', 'kind'], 'target'],
        paint: statusDot(['interpolate', ['linear'], ['zoom'], 14, 4, 18, 8], '#ffffff'),
      },
      deliveredCentre('target-points-delivered', 'sasaran', 'targets', ['==', ['get', 'kind'], 'target'],
        ['interpolate', ['linear'], ['zoom'], 14, 1.5, 18, 3]),
      {
        id: 'pic-target-points', type: 'circle', source: 'pic-targets',
        paint: statusDot(['interpolate', ['linear'], ['zoom'], 11, 4, 17, 8], COLORS.scope),
      },
      deliveredCentre('pic-target-points-delivered', 'pic-targets', null, ['has', 'status'],
        ['interpolate', ['linear'], ['zoom'], 11, 1.5, 17, 3]),
      {
        id: 'nearest-points', type: 'circle', source: 'nearest',
        paint: {
          'circle-color': COLORS.nearest,
          'circle-radius': 7,
          'circle-stroke-color': '#000000',
          'circle-stroke-width': 1.5,
        },
      },
      {
        id: 'chosen-point', type: 'circle', source: 'chosen',
        paint: {
          'circle-opacity': 0,
          'circle-radius': 12,
          'circle-stroke-color': '#000000',
          'circle-stroke-width': 3,
        },
      },
      {
        id: 'clicked-point', type: 'circle', source: 'clicked',
        paint: {
          'circle-color': '#ffffff',
          'circle-radius': 5,
          'circle-stroke-color': COLORS.selection,
          'circle-stroke-width': 3,
        },
      },
    ],
  };
}

/** Features of `points` ({lon, lat, ...properties}) that have a position. */
export function pointCollection(points) {
  return {
    type: 'FeatureCollection',
    features: points
      .filter((p) => p.lon !== null && p.lon !== undefined && p.lat !== null && p.lat !== undefined)
      .map((p) => ({type: 'Feature', geometry: {type: 'Point', coordinates: [p.lon, p.lat]}, properties: {...p}})),
  };
}

export const EMPTY_COLLECTION = EMPTY;
