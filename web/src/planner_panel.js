// The planner's journey: every RW ranked by unserved targets or unmet priority, per program and
// within a kota or kecamatan (GET /api/v1/coverage?level=rw&sort=&program=&within=), 50 to a
// page with previous/next; a row shows its RW on the map; a summary per kota and kecamatan (the
// same endpoint at those levels, which also fills the kota and kecamatan filters); the date of
// the data; the whole ranking for the filter (every page of the API, not only the one shown)
// exported as CSV or GeoJSON.
import {byTestId, clearChildren, el} from './dom.js';
import {csvFormatFor, download, readAllShapes, toCsv, toGeoJson} from './export_files.js';
import {formatDateTime, formatNumber, formatPercent, language, onChange, t} from './i18n.js';

const PAGE_SIZE = 50;
const EXPORT_PAGE = 1000;

export function createPlannerPanel({root, api, mapView, messages, filters, onChooseArea, showMap = () => {}}) {
  const table = byTestId('ranking', root);
  const tbody = table.querySelector('tbody');
  const sortSelect = byTestId('ranking-sort', root);
  const kotaSelect = byTestId('ranking-kota', root);
  const kecamatanSelect = byTestId('ranking-kecamatan', root);
  const range = byTestId('ranking-range', root);
  const prev = byTestId('ranking-prev', root);
  const next = byTestId('ranking-next', root);
  const updated = byTestId('data-updated', root);
  const summary = byTestId('summary', root);
  const programSlot = root.querySelector('.planner-program');

  let active = false;
  let ranking = null;   // the shown page of /coverage for RWs
  let offset = 0;
  let kota = null;
  let kecamatan = null;
  let asked = 0;

  // The area the ranking is within: a kecamatan when one is chosen, else a kota, else all.
  const within = () => kecamatanSelect.value || kotaSelect.value;

  function query(extra) {
    return {level: 'rw', sort: sortSelect.value, program: filters.program(), within: within(), ...extra};
  }

  function fileName(extension) {
    const parts = ['sasaran-rw', sortSelect.value, filters.program(), within()].filter(Boolean);
    return `${parts.join('-')}.${extension}`;
  }

  function chooseRow(item) {
    // On a phone the map is behind the list: it is shown first, then moved (never unseen).
    showMap();
    mapView.fitBbox(item.bbox, 16);
    onChooseArea(item);
  }

  function renderRanking() {
    clearChildren(tbody);
    prev.disabled = !ranking || offset === 0;
    next.disabled = !ranking || offset + PAGE_SIZE >= ranking.number_matched;
    if (!ranking) {
      range.textContent = active ? t('planner.loading') : '';
      return;
    }
    const matched = ranking.number_matched;
    range.textContent = matched
      ? t('planner.range', {from: formatNumber(offset + 1), to: formatNumber(offset + ranking.items.length), matched: formatNumber(matched)})
      : t('planner.range.none');
    Object.assign(range.dataset, {offset, returned: ranking.items.length, matched});
    for (const item of ranking.items) {
      // The RW's name holds its kelurahan's; the kecamatan places it in the city.
      const kecamatanName = item.parents?.find((p) => p.level === 'kecamatan')?.name ?? '';
      tbody.append(el('tr', {
        dataset: {testid: 'ranking-row', code: item.code, unserved: item.unserved, unmetPriority: item.unmet_priority},
        onclick: () => chooseRow(item),
      },
      el('td', {class: 'num'}, item.rank),
      el('td', {}, el('button', {type: 'button', class: 'link', 'aria-label': t('planner.row.label', {name: item.name}),
        tabindex: tbody.childElementCount === 0 ? '0' : '-1', onkeydown: moveAlongRows,
        onclick: (event) => {
          event.stopPropagation();
          chooseRow(item);
        }}, item.name), el('div', {class: 'meta'}, kecamatanName)),
      el('td', {class: 'num'}, formatNumber(item.unserved)),
      el('td', {class: 'num'}, formatNumber(item.unmet_priority)),
      el('td', {class: 'num'}, formatPercent(item.pledged_ratio))));
    }
  }

  // The ranking is one stop for Tab; the arrow keys (and Home, End) move along its rows.
  function moveAlongRows(event) {
    const buttons = [...tbody.querySelectorAll('button')];
    const at = buttons.indexOf(event.currentTarget);
    const to = {ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1}[event.key];
    if (to === undefined || !buttons[to]) return;
    event.preventDefault();
    for (const button of buttons) button.tabIndex = button === buttons[to] ? 0 : -1;
    buttons[to].focus();
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

  function fillSelect(select, items, allKey) {
    const chosen = select.value;
    clearChildren(select);
    select.append(el('option', {value: ''}, t(allKey)));
    for (const item of [...items].sort((a, b) => a.name.localeCompare(b.name, 'id')))
      select.append(el('option', {value: item.code}, item.name));
    select.value = items.some((i) => i.code === chosen) ? chosen : '';
  }

  function renderFilters() {
    fillSelect(kotaSelect, kota?.items ?? [], 'planner.kota.all');
    const inKota = (kecamatan?.items ?? []).filter((k) => !kotaSelect.value || k.code.startsWith(kotaSelect.value));
    fillSelect(kecamatanSelect, inKota, 'planner.kecamatan.all');
  }

  function renderSummary() {
    clearChildren(summary);
    const when = ranking?.data_updated_at ?? kota?.data_updated_at;
    updated.textContent = ranking || kota ? updatedText(when) : '';
    summary.append(el('h3', {}, t('summary.title')));
    if (!kota || !kecamatan) return;
    summary.append(summaryTable(t('summary.kota'), kota.items),
      el('p', {class: 'meta'}, t('summary.nopledge', {count: kota.summary.areas_without_pledge})),
      el('details', {}, el('summary', {}, t('summary.kecamatan.show', {count: kecamatan.items.length})),
        summaryTable(t('summary.kecamatan'), kecamatan.items)));
  }

  async function loadPage() {
    if (!active) return;
    const ticket = ++asked;
    ranking = null;
    renderRanking();
    try {
      const page = await api.get('api/v1/coverage', query({limit: PAGE_SIZE, offset}));
      if (ticket !== asked) return;
      ranking = page;
      renderRanking();
      renderSummary();
    } catch (error) {
      if (ticket === asked) messages.error(error, {topic: 'planner', retry: loadPage});
    }
  }

  async function loadSummary() {
    const program = filters.program();
    try {
      const [k, kc] = await Promise.all([
        api.get('api/v1/coverage', {level: 'kota', sort: 'unserved', program}),
        api.get('api/v1/coverage', {level: 'kecamatan', sort: 'unserved', program, limit: 100}),
      ]);
      if (!active) return;
      kota = k;
      kecamatan = kc;
      renderFilters();
      renderSummary();
    } catch (error) {
      messages.error(error, {topic: 'summary', retry: loadSummary});
    }
  }

  function load() {
    offset = 0;
    loadPage();
    loadSummary();
  }

  /** Every row of the ranking for the filter, read a page of the API at a time. */
  async function readAll(progress) {
    const items = [];
    for (let from = 0; ; from += EXPORT_PAGE) {
      const page = await api.get('api/v1/coverage', query({limit: EXPORT_PAGE, offset: from}));
      items.push(...page.items);
      progress(items.length, page.number_matched);
      if (!page.items.length || items.length >= page.number_matched) return items;
    }
  }

  function working(done, total) {
    messages.info(() => t('planner.export.working', {done: formatNumber(done), total: formatNumber(total)}), {topic: 'planner'});
  }

  async function exportCsv() {
    const name = fileName('csv');
    try {
      const items = await readAll(working);
      download(name, 'text/csv;charset=utf-8', toCsv(items, csvFormatFor(language())));
      messages.success(() => t('planner.export.done', {file: name, count: formatNumber(items.length)}), {topic: 'planner'});
    } catch (error) {
      messages.error(error, {topic: 'planner', retry: exportCsv});
    }
  }

  async function exportGeoJson() {
    const name = fileName('geojson');
    try {
      const items = await readAll(working);
      const shapes = await readAllShapes(api, within(), working);
      download(name, 'application/geo+json', JSON.stringify(toGeoJson(items, shapes)));
      messages.success(() => t('planner.export.done', {file: name, count: formatNumber(items.length)}), {topic: 'planner'});
    } catch (error) {
      messages.error(error, {topic: 'planner', retry: exportGeoJson});
    }
  }

  sortSelect.addEventListener('change', () => {
    offset = 0;
    loadPage();
  });
  kotaSelect.addEventListener('change', () => {
    kecamatanSelect.value = '';
    renderFilters();  // the kecamatan of the chosen kota only
    offset = 0;
    loadPage();
  });
  kecamatanSelect.addEventListener('change', () => {
    offset = 0;
    loadPage();
  });
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    loadPage();
  });
  next.addEventListener('click', () => {
    offset += PAGE_SIZE;
    loadPage();
  });
  byTestId('export-csv', root).addEventListener('click', exportCsv);
  byTestId('export-geojson', root).addEventListener('click', exportGeoJson);
  filters.onChange(() => active && load());
  onChange(() => {
    renderFilters();
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
      offset = 0;
      // The program filter is part of the planner's question: it moves into this card.
      filters.placeIn(on ? programSlot : null);
      renderFilters();
      renderRanking();
      renderSummary();
      if (on) load();
    },
    reload: load,
  };
}
