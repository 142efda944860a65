// A field PIC's work list: the pledges of their area still to deliver, each tied to its household
// (the target it is for, as GET /api/v1/targets?area= shows it), numbered in the order shown,
// sorted by distance from "where am I" (else by RT, then target id), filterable by RT and status.
// Only the PIC's own exact targets are work: a coarse target of a neighbouring area is not.
// The list is one Tab stop (a roving tabindex: the arrow keys move between rows), and the row
// chosen shows its household with one "record" button named after the pledge and the target.
import {byTestId, clearChildren, el} from './dom.js';
import {formatDistance, formatNumber, formatRupiah, t} from './i18n.js';

const EARTH_RADIUS_M = 6371008.8;

/** Great-circle distance in metres (haversine on the mean Earth radius; ample for a walk). */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const isLocated = (target) => target.located ?? (target.lon !== null && target.lon !== undefined);

/** The last three digits of an RT code (declared, else found at the household's point). */
export function rtOf(target) {
  const code = target?.rt_code || target?.declared_rt || '';
  return code ? code.slice(-3) : '';
}

export function rwOf(target) {
  const code = target?.rw_code || (target?.declared_rt ? target.declared_rt.slice(0, -3) : '');
  return code ? code.slice(-3) : '';
}

/** Whether `target` is the PIC's own: at its exact position, inside one of their areas. */
export function isOwn(target, areaCodes) {
  if (!target || target.position !== 'exact') return false;
  const codes = [target.kelurahan_code, target.rw_code, target.rt_code, target.declared_rt].filter(Boolean);
  return areaCodes.some((area) => codes.some((code) => code.startsWith(area)));
}

/**
 * The work items: every pledge of the area that is not cancelled and whose household is one of
 * the PIC's own targets. `queued` holds the pledge ids whose delivery waits in the queue.
 */
export function workItems({targets, pledges, areaCodes, queued = new Set()}) {
  const byId = new Map(targets.map((x) => [x.id, x]));
  const items = [];
  for (const pledge of pledges) {
    if (pledge.status === 'cancelled') continue;
    const target = byId.get(pledge.target);
    if (!isOwn(target, areaCodes)) continue;
    const state = pledge.status === 'delivered' ? 'delivered' : queued.has(pledge.id) ? 'queued' : 'todo';
    items.push({pledge, target, state, rt: rtOf(target), distance: null, number: 0});
  }
  return items;
}

/** Sorted by distance from `where` ({lon, lat}) when known, else by RT then target id. */
export function sortItems(items, where) {
  for (const item of items)
    item.distance = where && isLocated(item.target) ? distanceM(where, item.target) : null;
  const byRt = (a, b) => a.rt.localeCompare(b.rt) || a.target.id.localeCompare(b.target.id);
  return items.sort((a, b) => {
    if (where) {
      if (a.distance === null || b.distance === null) {
        if (a.distance !== b.distance) return a.distance === null ? 1 : -1;
      } else if (a.distance !== b.distance) {
        return a.distance - b.distance;
      }
    }
    return byRt(a, b) || a.pledge.id.localeCompare(b.pledge.id);
  });
}

export function matchesFilter(item, {rt, status}) {
  if (rt && item.rt !== rt) return false;
  if (status === 'todo') return item.state === 'todo';
  if (status === 'delivered') return item.state !== 'todo';
  return true;
}

export function pledgeAmount(pledge) {
  return pledge.form === 'uang'
    ? formatRupiah(pledge.amount_idr ?? 0)
    : `${formatNumber(pledge.quantity ?? 0)} ${t('pledge.form.barang').toLowerCase()}`;
}

/**
 * The list's DOM under `root` (the work card): filters, the list and the chosen row's details.
 * `onSelect(item)` is called when a row is chosen (by tap, Enter or a tap on its dot), and
 * `onRecord(item)` by the row's record button.
 */
export function createWorkList({root, onSelect, onRecord}) {
  const rtSelect = byTestId('pic-filter-rt', root);
  const statusSelect = byTestId('pic-filter-status', root);
  const orderLine = byTestId('pic-work-order', root);
  const list = byTestId('pic-work-list', root);
  const detail = byTestId('pic-work-detail', root);
  const countLine = byTestId('pic-work-count', root);

  let all = [];          // every work item, sorted
  let shown = [];        // those the filters let through, numbered 1..n
  let selected = null;   // pledge id of the chosen row
  let focusIndex = 0;    // the row that holds the list's Tab stop
  let sortedByDistance = false;

  function renderFilters() {
    const rts = [...new Set(all.map((x) => x.rt).filter(Boolean))].sort();
    const current = rtSelect.value;
    clearChildren(rtSelect);
    rtSelect.append(el('option', {value: ''}, t('pic.filter.rt.all')),
      ...rts.map((rt) => el('option', {value: rt}, t('pic.rt', {rt}))));
    rtSelect.value = rts.includes(current) ? current : '';
  }

  function rowLabel(item) {
    const parts = [`${item.number}.`, item.target.id, item.rt ? t('pic.rt', {rt: item.rt}) : ''];
    if (item.distance !== null) parts.push(formatDistance(item.distance));
    parts.push(item.pledge.id, t(`pic.work.state.${item.state}`));
    return parts.filter(Boolean).join(' · ');
  }

  function renderList() {
    clearChildren(list);
    const todo = all.filter((x) => x.state === 'todo').length;
    countLine.textContent = t('pic.work.count', {todo: formatNumber(todo), shown: formatNumber(shown.length)});
    orderLine.textContent = t(sortedByDistance ? 'pic.work.order.distance' : 'pic.work.order.rt');
    if (!shown.length) {
      list.append(el('li', {class: 'hint'}, t('pic.work.none')));
      return;
    }
    focusIndex = Math.max(0, shown.findIndex((x) => x.pledge.id === selected));
    shown.forEach((item, index) => {
      const button = el('button', {
        type: 'button', class: 'work-row', tabindex: index === focusIndex ? '0' : '-1',
        'aria-pressed': String(item.pledge.id === selected),
        onclick: () => choose(item, {focusDetail: false}),
        onkeydown: (event) => moveFocus(event, index),
      },
      el('span', {class: `work-number work-${item.state}`, 'aria-hidden': 'true'}, String(item.number)),
      el('span', {class: 'work-main'}, el('strong', {}, item.target.id),
        item.rt ? ` · ${t('pic.rt', {rt: item.rt})}` : '',
        item.distance !== null ? ` · ${formatDistance(item.distance)}` : ''),
      el('span', {class: `status work-state-${item.state}`}, t(`pic.work.state.${item.state}`)));
      button.setAttribute('aria-label', rowLabel(item));
      list.append(el('li', {
        dataset: {
          testid: 'pic-work', pledgeId: item.pledge.id, targetId: item.target.id, number: String(item.number),
          state: item.state, rt: item.rt, distanceM: item.distance === null ? '' : String(Math.round(item.distance)),
        },
        class: item.pledge.id === selected ? 'selected' : '',
      }, button));
    });
  }

  function moveFocus(event, index) {
    const keys = {ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: shown.length - 1};
    if (!(event.key in keys)) return;
    event.preventDefault();
    const next = Math.min(shown.length - 1, Math.max(0, keys[event.key]));
    const buttons = list.querySelectorAll('.work-row');
    buttons[focusIndex]?.setAttribute('tabindex', '-1');
    focusIndex = next;
    buttons[next].setAttribute('tabindex', '0');
    buttons[next].focus();
  }

  function renderDetail() {
    clearChildren(detail);
    const item = shown.find((x) => x.pledge.id === selected);
    detail.hidden = !item;
    if (!item) return;
    const {pledge, target} = item;
    detail.dataset.pledgeId = pledge.id;
    detail.dataset.targetId = target.id;
    const rows = [
      [t('pic.detail.household'), target.id],
      [t('pic.detail.rtrw'), [item.rt && t('pic.rt', {rt: item.rt}), rwOf(target) && t('pic.rw', {rw: rwOf(target)})]
        .filter(Boolean).join(' / ')],
      [t('pic.detail.size'), target.household_size ? t('pic.household', {size: target.household_size}) : '—'],
      [t('pic.detail.need'), `${target.need} (${t(`program.${target.program}`)})`],
      [t('pic.detail.priority'), `P${target.priority}`],
      [t('pic.detail.pledge'), `${pledge.id} · ${t(`pledge.form.${pledge.form}`)} · ${pledgeAmount(pledge)}`],
      [t('pic.detail.collaborator'), pledge.collaborator_name ?? pledge.collaborator ?? '—'],
      [t('pic.detail.location'), isLocated(target) ? `${target.lat.toFixed(5)}, ${target.lon.toFixed(5)}` : t('pic.visit.unlocated')],
    ];
    detail.append(
      el('h4', {}, t('pic.detail.title', {number: item.number, id: target.id})),
      el('dl', {class: 'facts'}, rows.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)])));
    if (pledge.flag) detail.append(el('p', {class: 'status flag', dataset: {testid: 'pledge-flag'}}, t(`flag.${pledge.flag}`)));
    if (item.state === 'todo') {
      const label = t('pic.record.label', {pledge: pledge.id, target: target.id});
      detail.append(el('button', {
        type: 'button', class: 'primary', dataset: {testid: 'record-delivery', pledgeId: pledge.id},
        'aria-label': label, onclick: () => onRecord(item),
      }, t('pic.record')));
    } else {
      detail.append(el('p', {class: `status work-state-${item.state}`, dataset: {testid: 'pic-work-done'}},
        t(`pic.work.state.${item.state}`)));
    }
  }

  function applyFilters() {
    const filter = {rt: rtSelect.value, status: statusSelect.value};
    shown = all.filter((x) => matchesFilter(x, filter));
    shown.forEach((item, index) => { item.number = index + 1; });
    for (const item of all) if (!shown.includes(item)) item.number = 0;
    // A row the filters hide is no longer the chosen one.
    if (!shown.some((x) => x.pledge.id === selected)) selected = null;
    renderList();
    renderDetail();
  }

  function choose(item, {focusDetail}) {
    const hadFocus = list.contains(document.activeElement);
    selected = item.pledge.id;
    renderList();
    renderDetail();
    onSelect(item);
    // The rows are drawn again: the chosen one keeps the focus the pressed one had.
    if (focusDetail) byTestId('record-delivery', detail)?.focus();
    else if (hadFocus) list.querySelector(`[data-pledge-id="${item.pledge.id}"] .work-row`)?.focus();
  }

  rtSelect.addEventListener('change', () => { applyFilters(); onSelect(null); });
  statusSelect.addEventListener('change', () => { applyFilters(); onSelect(null); });

  return {
    /** New items (already sorted); keeps the filters and the chosen row when it is still there. */
    set(items, {byDistance}) {
      all = items;
      sortedByDistance = byDistance;
      if (!all.some((x) => x.pledge.id === selected)) selected = null;
      renderFilters();
      applyFilters();
    },
    clear() {
      all = [];
      shown = [];
      selected = null;
      renderFilters();
      clearChildren(list);
      countLine.textContent = '';
      orderLine.textContent = '';
      detail.hidden = true;
    },
    shown: () => shown,
    selected: () => selected,
    /** Chooses the row of `pledgeId` (a tap on its dot). */
    select(pledgeId) {
      const item = all.find((x) => x.pledge.id === pledgeId);
      if (!item) return;
      if (!shown.includes(item)) {
        statusSelect.value = 'all';
        rtSelect.value = '';
        applyFilters();
      }
      choose(item, {focusDetail: false});
      list.querySelector(`[data-pledge-id="${pledgeId}"]`)?.scrollIntoView({block: 'nearest'});
    },
    render() {
      renderFilters();
      applyFilters();
    },
  };
}
