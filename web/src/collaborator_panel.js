// The collaborator's (and aggregator's) journey: the nearest open targets from a clicked point or
// the device's position (GET /api/v1/targets/nearest), grouped by the cell they are shown at (a
// collaborator sees each target at its cell's spot, so the cell is what one picks from: from
// zoom 14 the map draws one circle per cell with its counts); a click on a cell (or a dot)
// lists that cell's open targets (GET /api/v1/targets?cell=x,y) instead of searching elsewhere; choosing one, pledging help (POST /api/v1/pledges with
// an Idempotency-Key), after which the target leaves the list and the form closes; the RW's
// coverage before and after; "my pledges" (GET /api/v1/pledges), where an active pledge can be
// cancelled (POST /api/v1/pledges/{id}/cancel, after a confirmation) and its target is open
// again. After a write the map's tiles are asked for again at once.
import {ApiError} from './api_client.js';
import {coverageFor, coverageLine} from './coverage.js';
import {byTestId, clearChildren, el} from './dom.js';
import {problemCode} from './error_text.js';
import {currentPosition} from './geolocation.js';
import {formatDistance, formatNumber, formatRupiah, onChange, t} from './i18n.js';
import {postOnce} from './idempotency_keys.js';

const NEAREST_COUNT = 10;
// The side of a cell in degrees (geo/engine/coarse_position.hpp): a spot, the cell's centre,
// names its cell "x,y" by floor(degrees / side), as the tiles' cell features do.
const CELL_DEGREES = 0.0009;

function cellOf(spot) {
  return spot.cell ?? `${Math.floor(spot.lon / CELL_DEGREES)},${Math.floor(spot.lat / CELL_DEGREES)}`;
}

export function createCollaboratorPanel({root, api, mapView, messages, filters, choosePoint}) {
  const list = byTestId('nearest-list', root);
  const status = root.querySelector('.nearest-status');
  const form = byTestId('pledge-form', root);
  const chosenLine = root.querySelector('.chosen-target');
  const rwCoverage = byTestId('rw-coverage', root);
  const myPledges = byTestId('my-pledges', root);
  const formSelect = form.elements.form;

  let active = false;
  let origin = null;      // {point} or {spot}: where the list was asked from
  let nearest = null;     // the last answer's targets, or null before any
  let chosen = null;      // the chosen target
  let rwArea = null;      // {area, approximate}: the chosen target's RW as read
  let pledges = null;
  let confirming = null;  // the pledge id whose cancel asks for confirmation
  let asked = 0;

  function targetLine(target) {
    return t('target.line', {program: t(`program.${target.program}`), need: target.need, priority: target.priority});
  }

  // Targets of the same spot (the cell's centre) in the order the API gave them.
  function cells(targets) {
    const groups = new Map();
    for (const target of targets) {
      const key = `${target.lon},${target.lat}`;
      if (!groups.has(key)) groups.set(key, {key, distance: target.distance_m, targets: []});
      groups.get(key).targets.push(target);
    }
    return [...groups.values()];
  }

  function targetItem(target) {
    const isChosen = chosen?.id === target.id;
    return el('li', {
      class: `target-item${isChosen ? ' chosen' : ''}`,
      dataset: {testid: 'target-item', targetId: target.id, distanceM: target.distance_m ?? '', status: target.status},
    },
    el('div', {class: 'target-head'},
      el('strong', {}, target.id), ' ',
      el('span', {class: `status status-${target.status}`}, t(`status.${target.status}`))),
    el('div', {}, targetLine(target)),
    el('button', {type: 'button', dataset: {testid: 'choose-target', targetId: target.id},
      'aria-pressed': isChosen ? 'true' : 'false', 'aria-label': t('collab.choose.label', {id: target.id}),
      onclick: () => choose(target)}, t('collab.choose')));
  }

  function renderNearest() {
    clearChildren(list);
    if (nearest === null) {
      status.textContent = origin ? t('collab.loading') : t('collab.hint');
      return;
    }
    const groups = cells(nearest);
    if (origin?.spot) status.textContent = nearest.length ? t('collab.cell', {count: nearest.length}) : t('collab.cell.none');
    else status.textContent = nearest.length ? t('collab.nearest', {count: nearest.length, cells: groups.length}) : t('collab.none');
    groups.forEach((group, index) => {
      const distance = group.distance === undefined || group.distance === null ? ''
        : ' · ' + t('target.distance', {distance: formatDistance(group.distance)});
      list.append(el('li', {class: 'cell-group', dataset: {testid: 'cell', spot: group.key, count: group.targets.length}},
        el('div', {class: 'cell-head'},
          el('span', {class: 'cell-number', 'aria-hidden': 'true'}, String(index + 1)),
          t('collab.cell.head', {count: formatNumber(group.targets.length)}) + distance),
        el('ol', {class: 'cell-targets'}, group.targets.map(targetItem))));
    });
  }

  function renderChosen() {
    form.hidden = !chosen;
    chosenLine.textContent = chosen ? `${t('collab.chosen', {id: chosen.id})} — ${targetLine(chosen)}` : '';
    const uang = formSelect.value === 'uang';
    form.querySelector('.field-quantity').hidden = uang;
    form.querySelector('.field-amount').hidden = !uang;
    byTestId('pledge-submit', form).setAttribute('aria-label', chosen ? t('pledge.submit.label', {id: chosen.id}) : t('pledge.submit'));
    clearChildren(rwCoverage);
    rwCoverage.hidden = !rwArea;
    if (!rwArea) return;
    const c = coverageFor(rwArea.area, filters.program());
    Object.assign(rwCoverage.dataset, {rwCode: rwArea.area.code, pledged: c.pledged, targets: c.targets});
    rwCoverage.append(
      el('h3', {}, t('rwcov.title')),
      el('p', {}, el('strong', {}, rwArea.area.name), ': ', coverageLine(c)));
    if (rwArea.approximate) rwCoverage.append(el('p', {class: 'hint'}, t('rwcov.approx')));
  }

  function pledgeActions(p) {
    if (p.status !== 'committed') return [];
    if (confirming === p.id) {
      return [el('div', {class: 'confirm', role: 'group', 'aria-label': t('mypledges.cancel.ask', {id: p.id})},
        el('span', {}, t('mypledges.cancel.ask', {id: p.id})), ' ',
        el('button', {type: 'button', class: 'danger', dataset: {testid: 'cancel-confirm', pledgeId: p.id},
          onclick: () => cancel(p)}, t('mypledges.cancel.yes')), ' ',
        el('button', {type: 'button', class: 'secondary', dataset: {testid: 'cancel-keep', pledgeId: p.id},
          onclick: () => {
            confirming = null;
            renderPledges();
            focusPledgeButton(p.id, 'cancel-pledge');
          }}, t('mypledges.cancel.no')))];
    }
    return [' ', el('button', {type: 'button', class: 'secondary small', dataset: {testid: 'cancel-pledge', pledgeId: p.id},
      'aria-label': t('mypledges.cancel.label', {id: p.id}),
      onclick: () => {
        confirming = p.id;
        renderPledges();
        focusPledgeButton(p.id, 'cancel-confirm');
      }}, t('mypledges.cancel'))];
  }

  function focusPledgeButton(id, testid) {
    myPledges.querySelector(`[data-testid="${testid}"][data-pledge-id="${id}"]`)?.focus();
  }

  function renderPledges() {
    clearChildren(myPledges);
    if (pledges === null) return;
    if (!pledges.length) {
      myPledges.append(el('li', {class: 'hint'}, t('mypledges.none')));
      return;
    }
    for (const p of pledges) {
      const amount = p.form === 'uang' ? formatRupiah(p.amount_idr ?? 0) : `${p.quantity ?? 0} ${t('pledge.form.barang').toLowerCase()}`;
      myPledges.append(el('li', {dataset: {testid: 'pledge-item', pledgeId: p.id, status: p.status}},
        t('mypledges.line', {id: p.id, target: p.target, program: t(`program.${p.program}`), amount}), ' ',
        el('span', {class: `status status-${p.status}`}, t(`status.${p.status}`)),
        ...flagOf(p), ...pledgeActions(p)));
    }
  }

  // A pledge whose household left the registry: the collaborator must hear it from us.
  function flagOf(p) {
    return p.flag ? [' ', el('span', {class: 'status flag', dataset: {testid: 'pledge-flag'}}, t(`flag.${p.flag}`))] : [];
  }

  async function readRw(code, approximate) {
    try {
      const area = await api.get(`api/v1/areas/${encodeURIComponent(code)}`);
      rwArea = {area, approximate};
      renderChosen();
    } catch (error) {
      messages.error(error, {topic: 'pledge', retry: () => readRw(code, approximate)});
    }
  }

  // Before a pledge, a collaborator knows only the target's coarse spot: the RW there is shown
  // (and said to be approximate); the pledge's answer names the target's own RW.
  async function choose(target) {
    chosen = target;
    rwArea = null;
    renderNearest();
    renderChosen();
    formSelect.focus({preventScroll: false});
    mapView.setPoints('chosen', [target]);
    if (target.lon === null || target.lon === undefined) return;
    try {
      const found = await api.get('api/v1/lookup', {lon: target.lon, lat: target.lat});
      if (chosen !== target || !found.rw) return;
      await readRw(found.rw.code, true);
    } catch (error) {
      messages.error(error, {topic: 'pledge', retry: () => choose(target)});
    }
  }

  async function ask(from, read, {focus = false, reveal = false} = {}) {
    if (!active) return;
    const ticket = ++asked;
    origin = from;
    nearest = null;
    renderNearest();
    try {
      const targets = await read();
      if (ticket !== asked) return;
      nearest = targets;
      renderNearest();
      mapView.setPoints('nearest', nearest);
      // Asked from the keyboard (a search): the next Tab is the first "Pilih". Asked from the
      // map: the list is scrolled into the panel's view.
      if (focus) status.focus();
      else if (reveal) status.scrollIntoView({block: 'start'});
    } catch (error) {
      if (ticket !== asked) return;
      nearest = [];
      renderNearest();
      messages.error(error, {topic: 'collaborator', retry: () => ask(from, read)});
    }
  }

  function showNearest(point, options = {}) {
    return ask({point}, async () => (await api.get('api/v1/targets/nearest', {
      lon: point.lon.toFixed(6), lat: point.lat.toFixed(6), k: NEAREST_COUNT, status: 'open', program: filters.program(),
    })).targets ?? [], options);
  }

  /** The open targets of the cell whose spot is `spot` ({lon, lat}, `cell`), as chosen on the map. */
  function showCell(spot, options = {}) {
    return ask({spot}, async () => (await api.get('api/v1/targets', {
      cell: cellOf(spot), status: 'open', program: filters.program(), limit: 100,
    })).targets ?? [], options);
  }

  async function loadPledges() {
    try {
      const answer = await api.get('api/v1/pledges');
      pledges = answer.pledges ?? [];
      // Active first (they can still be cancelled), then newest first: ids grow with every pledge.
      const rank = (p) => (p.status === 'committed' ? 0 : 1);
      pledges.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? 1 : -1));
      renderPledges();
    } catch (error) {
      messages.error(error, {topic: 'pledges', retry: loadPledges});
    }
  }

  function pledgeBody() {
    const body = {target: chosen.id, form: formSelect.value};
    if (body.form === 'uang') body.amount_idr = Number.parseInt(form.elements.amount_idr.value, 10);
    else body.quantity = Number.parseInt(form.elements.quantity.value, 10);
    return body;
  }

  // The target is no longer open: out of the list, the form closed, the keyboard back on the list.
  function dropTarget(target) {
    if (nearest) nearest = nearest.filter((x) => x.id !== target.id);
    if (chosen?.id === target.id) chosen = null;
    renderNearest();
    renderChosen();
    mapView.setPoints('nearest', nearest ?? []);
    mapView.setPoints('chosen', []);
    (list.querySelector('[data-testid=choose-target]') ?? status).focus();
  }

  async function submit(event) {
    event.preventDefault();
    if (!chosen) {
      messages.error(new Error(t('pledge.notarget')), {topic: 'pledge'});
      return;
    }
    const target = chosen;
    const body = pledgeBody();
    const button = byTestId('pledge-submit', form);
    button.disabled = true;
    messages.info(() => t('pledge.sending'), {topic: 'pledge'});
    try {
      const answer = await postOnce(api, `pledge.${target.id}`, 'api/v1/pledges', body);
      const pledge = answer.data;
      messages.success(() => t('pledge.done', {id: pledge.id, target: target.id}), {topic: 'pledge'});
      mapView.reloadTiles();
      dropTarget(target);
      if (pledge.rw) await readRw(pledge.rw, false);
      loadPledges();
    } catch (error) {
      messages.error(error, {topic: 'pledge', retry: () => form.requestSubmit()});
      // Taken by someone else meanwhile: it is not open any more either.
      if (error instanceof ApiError && (problemCode(error) === 'target-taken' || error.status === 409)) {
        mapView.reloadTiles();
        dropTarget(target);
      }
    } finally {
      button.disabled = false;
    }
  }

  async function cancel(p) {
    confirming = null;
    messages.info(() => t('mypledges.cancel.sending', {id: p.id}), {topic: 'pledge'});
    try {
      await postOnce(api, `cancel.${p.id}`, `api/v1/pledges/${encodeURIComponent(p.id)}/cancel`, {});
      messages.success(() => t('mypledges.cancel.done', {id: p.id, target: p.target}), {topic: 'pledge'});
      mapView.reloadTiles();
      await loadPledges();
      // The target is open again: it comes back in the list it would be in.
      if (origin?.point) showNearest(origin.point);
      else if (origin?.spot) showCell(origin.spot);
    } catch (error) {
      renderPledges();
      messages.error(error, {topic: 'pledge', retry: () => cancel(p)});
      if (error instanceof ApiError && error.status === 409) loadPledges();
    }
    (myPledges.querySelector('button') ?? status).focus();
  }

  async function locate() {
    let point;
    try {
      point = await currentPosition();
    } catch (error) {
      // Said, never replaced by a guess: the list waits for a point the user chooses.
      messages.error(error, {topic: 'location', retry: locate});
      status.textContent = t('collab.hint');
      return;
    }
    messages.clear('location');
    choosePoint(point, {fly: true});
  }

  /** A point chosen on the map: a cell or dot there chooses its cell, else the nearest are asked. */
  function pointChosen(point) {
    const spot = point.pixel ? mapView.targetAt(point.pixel) : null;
    if (spot) showCell(spot, {reveal: true});
    else showNearest(point, {reveal: true});
  }

  form.addEventListener('submit', submit);
  formSelect.addEventListener('change', renderChosen);
  byTestId('my-location', root).addEventListener('click', locate);
  status.setAttribute('tabindex', '-1');
  filters.onChange(() => {
    if (origin?.point) showNearest(origin.point);
    else if (origin?.spot) showCell(origin.spot);
    if (rwArea) renderChosen();
  });
  onChange(() => {
    renderNearest();
    renderChosen();
    renderPledges();
  });

  return {
    /** Shown for collaborators and aggregators; hidden (and emptied) otherwise. */
    setActive(on) {
      active = on;
      root.hidden = !on;
      origin = null;
      nearest = null;
      chosen = null;
      rwArea = null;
      pledges = null;
      confirming = null;
      mapView.setPoints('nearest', []);
      mapView.setPoints('chosen', []);
      renderNearest();
      renderChosen();
      renderPledges();
      if (on) loadPledges();
    },
    showNearest,
    showCell,
    pointChosen,
  };
}
