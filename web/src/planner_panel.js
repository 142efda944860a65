// The planner's journey: RWs ranked by unserved targets or unmet priority, per program
// (GET /api/v1/coverage?level=rw&sort=&program=), a row zooms the map to its RW; a summary per
// kota and kecamatan (the same endpoint at those levels); the list exported as CSV or GeoJSON.
import {byTestId, clearChildren, el} from './dom.js';
import {download, readShapes, toCsv, toGeoJson} from './export_files.js';
import {formatDateTime, formatNumber, formatPercent, onChange, t} from './i18n.js';

export function createPlannerPanel({root, api, mapView, messages, filters, onChooseArea}) {
  const table = byTestId('ranking', root);
  const tbody = table.querySelector('tbody');
  const sortSelect = byTestId('ranking-sort', root);
  const matchedLine = root.querySelector('.ranking-matched');
  const summary = byTestId('summary', root);

  let active = false;
  let ranking = null;   // the last /coverage answer for RWs
  let kota = null;
  let kecamatan = null;
  let asked = 0;

  function fileName(extension) {
    const program = filters.program();
    return `sasaran-rw-${sortSelect.value}${program ? '-' + program : ''}.${extension}`;
  }

  function chooseRow(item) {
    mapView.fitBbox(item.bbox, 16);
    onChooseArea(item);
  }

  function renderRanking() {
    clearChildren(tbody);
    if (!ranking) {
      matchedLine.textContent = active ? t('planner.loading') : '';
      return;
    }
    matchedLine.textContent = t('planner.matched', {returned: ranking.items.length, matched: ranking.number_matched});
    for (const item of ranking.items) {
      // The RW's name holds its kelurahan's; the kecamatan places it in the city.
      const kecamatan = item.parents?.find((p) => p.level === 'kecamatan')?.name ?? '';
      tbody.append(el('tr', {
        dataset: {testid: 'ranking-row', code: item.code, unserved: item.unserved, unmetPriority: item.unmet_priority},
        onclick: () => chooseRow(item),
      },
      el('td', {class: 'num'}, item.rank),
      el('td', {}, el('button', {type: 'button', class: 'link', onclick: (event) => {
        event.stopPropagation();
        chooseRow(item);
      }}, item.name), el('div', {class: 'meta'}, kecamatan)),
      el('td', {class: 'num'}, formatNumber(item.unserved)),
      el('td', {class: 'num'}, formatNumber(item.unmet_priority)),
      el('td', {class: 'num'}, formatPercent(item.pledged_ratio))));
    }
  }

  function summaryTable(caption, items) {
    return el('table', {class: 'summary-table'},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {},
        el('th', {scope: 'col'}, caption), el('th', {scope: 'col', class: 'num'}, t('summary.targets')),
        el('th', {scope: 'col', class: 'num'}, t('summary.pledged')), el('th', {scope: 'col', class: 'num'}, t('summary.delivered')))),
      el('tbody', {}, items.map((item) => el('tr', {dataset: {code: item.code, level: item.level}},
        el('td', {}, item.name),
        el('td', {class: 'num'}, formatNumber(item.targets)),
        el('td', {class: 'num'}, `${formatNumber(item.pledged)} (${formatPercent(item.pledged_ratio)})`),
        el('td', {class: 'num'}, formatNumber(item.delivered))))));
  }

  // The import the figures come from: a planner judges a ranking by how fresh it is.
  function updatedText(when) {
    if (!when) return t('summary.updated.never');
    const date = new Date(when);
    const shown = Number.isNaN(date.getTime()) ? when : formatDateTime(date);
    return t('summary.updated', {when: shown});
  }

  function renderSummary() {
    clearChildren(summary);
    summary.append(el('h3', {}, t('summary.title')));
    if (!kota || !kecamatan) return;
    summary.append(summaryTable(t('summary.kota'), kota.items),
      el('p', {class: 'meta'}, t('summary.nopledge', {count: kota.summary.areas_without_pledge})),
      el('p', {class: 'meta', dataset: {testid: 'data-updated'}}, updatedText(kota.data_updated_at)),
      el('details', {}, el('summary', {}, t('summary.kecamatan.show', {count: kecamatan.items.length})),
        summaryTable(t('summary.kecamatan'), kecamatan.items)));
  }

  async function load() {
    if (!active) return;
    const ticket = ++asked;
    ranking = null;
    renderRanking();
    const program = filters.program();
    try {
      const [rw, k, kc] = await Promise.all([
        api.get('api/v1/coverage', {level: 'rw', sort: sortSelect.value, program}),
        api.get('api/v1/coverage', {level: 'kota', sort: 'unserved', program}),
        api.get('api/v1/coverage', {level: 'kecamatan', sort: 'unserved', program, limit: 100}),
      ]);
      if (ticket !== asked) return;
      ranking = rw;
      kota = k;
      kecamatan = kc;
      renderRanking();
      renderSummary();
    } catch (error) {
      if (ticket === asked) messages.error(error, load);
    }
  }

  function exportCsv() {
    if (!ranking) return;
    const name = fileName('csv');
    download(name, 'text/csv;charset=utf-8', toCsv(ranking.items));
    messages.success(t('planner.export.done', {file: name, count: ranking.items.length}));
  }

  async function exportGeoJson() {
    if (!ranking) return;
    const items = ranking.items;
    const name = fileName('geojson');
    try {
      const shapes = await readShapes(api, items.map((i) => i.code),
        (done, total) => messages.info(t('planner.export.working', {done, total})));
      download(name, 'application/geo+json', JSON.stringify(toGeoJson(items, shapes)));
      messages.success(t('planner.export.done', {file: name, count: items.length}));
    } catch (error) {
      messages.error(error, exportGeoJson);
    }
  }

  sortSelect.addEventListener('change', load);
  byTestId('export-csv', root).addEventListener('click', exportCsv);
  byTestId('export-geojson', root).addEventListener('click', exportGeoJson);
  filters.onChange(load);
  onChange(() => {
    renderRanking();
    renderSummary();
  });

  return {
    setActive(on) {
      active = on;
      root.hidden = !on;
      ranking = null;
      kota = null;
      kecamatan = null;
      renderRanking();
      renderSummary();
      if (on) load();
    },
    reload: load,
  };
}
