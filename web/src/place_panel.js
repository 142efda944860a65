// The place panel ([data-testid=place]): the kota, kecamatan, kelurahan, RW and RT at a clicked
// point (GET /api/v1/lookup) or of a searched area, and the RW's coverage.
import {ApiError} from './api_client.js';
import {coverageFor, coverageLine} from './coverage.js';
import {clearChildren, el} from './dom.js';
import {onChange, t} from './i18n.js';

export function createPlacePanel({root, api, mapView, messages, filters}) {
  const body = root.querySelector('.place-body');
  let shown = null;  // {levels: {kota, kecamatan, kelurahan, rw, rt}, area (the RW or kelurahan read)}
  let asked = 0;     // the latest request wins when clicks come quickly

  function render() {
    clearChildren(body);
    if (!shown) {
      body.append(el('p', {class: 'hint'}, t('place.hint')));
      return;
    }
    if (shown.loading) {
      body.append(el('p', {class: 'hint'}, t('place.loading')));
      return;
    }
    const row = (level, testid) => {
      const area = shown.levels[level];
      return [
        el('dt', {}, t(`place.${level}`)),
        el('dd', {dataset: testid ? {testid, code: area?.code ?? ''} : {}}, area?.name ?? t('place.none')),
      ];
    };
    body.append(el('dl', {class: 'place-levels'},
      row('kota'), row('kecamatan'), row('kelurahan', 'place-kelurahan'), row('rw', 'place-rw'), row('rt')));
    if (shown.area)
      body.append(el('p', {class: 'coverage', dataset: {testid: 'place-coverage', code: shown.area.code}},
        `${shown.area.name}: ${coverageLine(coverageFor(shown.area, filters.program()))}`));
  }

  async function readCoverage(levels, ticket) {
    const code = levels.rw?.code ?? levels.kelurahan?.code;
    if (!code) return;
    try {
      const area = await api.get(`api/v1/areas/${encodeURIComponent(code)}`);
      if (ticket !== asked) return;
      shown.area = area;
      render();
    } catch (error) {
      if (ticket === asked) messages.error(error, {topic: 'map', retry: () => readCoverage(levels, ticket)});
    }
  }

  function showLevels(levels) {
    const ticket = ++asked;
    shown = {levels};
    render();
    mapView.select({kelurahan: levels.kelurahan?.code ?? null, rw: levels.rw?.code ?? null});
    readCoverage(levels, ticket);
  }

  /** Looks up the point; resolves to the lookup answer, or null when outside every area. */
  async function showPoint(point) {
    const ticket = ++asked;
    shown = {loading: true};
    render();
    mapView.setPoints('clicked', [point]);
    try {
      const found = await api.get('api/v1/lookup', {lon: point.lon.toFixed(6), lat: point.lat.toFixed(6)});
      if (ticket === asked) showLevels(found);
      return found;
    } catch (error) {
      if (ticket !== asked) return null;
      shown = null;
      render();
      mapView.select({});
      // Outside every area is an answer, not a failure: said as such.
      if (error instanceof ApiError && error.status === 404) messages.info(() => t('place.outside'), {topic: 'map'});
      else messages.error(error, {topic: 'map', retry: () => showPoint(point)});
      return null;
    }
  }

  /** Shows an area found by search (with its parents) as if it had been clicked. */
  function showArea(area) {
    const levels = {};
    for (const parent of area.parents ?? []) levels[parent.level] = parent;
    levels[area.level] = area;
    showLevels(levels);
  }

  onChange(render);
  filters.onChange(() => {
    if (shown?.levels) readCoverage(shown.levels, asked);
  });
  render();
  return {showPoint, showArea};
}
