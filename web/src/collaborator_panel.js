// The collaborator's (and aggregator's) journey: the nearest open targets from a clicked point or
// the device's position (GET /api/v1/targets/nearest), choosing one, pledging help
// (POST /api/v1/pledges with an Idempotency-Key), the RW's coverage before and after, and
// "my pledges" (GET /api/v1/pledges). After a pledge the map's tiles are asked for again at once,
// so the RW's shade and the target's status show it.
import {coverageFor, coverageLine} from './coverage.js';
import {byTestId, clearChildren, el} from './dom.js';
import {currentPosition} from './geolocation.js';
import {formatDistance, formatRupiah, onChange, t} from './i18n.js';
import {postOnce} from './idempotency_keys.js';

const NEAREST_COUNT = 10;

export function createCollaboratorPanel({root, api, mapView, messages, filters, choosePoint}) {
  const list = byTestId('nearest-list', root);
  const status = root.querySelector('.nearest-status');
  const form = byTestId('pledge-form', root);
  const chosenLine = root.querySelector('.chosen-target');
  const rwCoverage = byTestId('rw-coverage', root);
  const myPledges = byTestId('my-pledges', root);
  const formSelect = form.elements.form;

  let active = false;
  let origin = null;      // the point the nearest targets were asked from
  let nearest = null;     // the last answer's targets, or null before any
  let chosen = null;      // the chosen target
  let rwArea = null;      // {area, approximate}: the chosen target's RW as read
  let pledges = null;
  let asked = 0;

  function targetLine(target) {
    return t('target.line', {program: t(`program.${target.program}`), need: target.need, priority: target.priority});
  }

  function renderNearest() {
    clearChildren(list);
    if (nearest === null) {
      status.textContent = origin ? t('collab.loading') : t('collab.hint');
      return;
    }
    status.textContent = nearest.length ? t('collab.nearest', {count: nearest.length}) : t('collab.none');
    for (const target of nearest) {
      const isChosen = chosen?.id === target.id;
      list.append(el('li', {
        class: `target-item${isChosen ? ' chosen' : ''}`,
        dataset: {testid: 'target-item', targetId: target.id, distanceM: target.distance_m, status: target.status},
      },
      el('div', {class: 'target-head'},
        el('strong', {}, target.id), ' ',
        el('span', {class: `status status-${target.status}`}, t(`status.${target.status}`))),
      el('div', {}, targetLine(target)),
      el('div', {class: 'meta'}, t('target.distance', {distance: formatDistance(target.distance_m)})),
      el('button', {type: 'button', dataset: {testid: 'choose-target', targetId: target.id},
        'aria-pressed': isChosen ? 'true' : 'false', onclick: () => choose(target)}, t('collab.choose'))));
    }
  }

  function renderChosen() {
    form.hidden = !chosen;
    chosenLine.textContent = chosen ? `${t('collab.chosen', {id: chosen.id})} — ${targetLine(chosen)}` : '';
    const uang = formSelect.value === 'uang';
    form.querySelector('.field-quantity').hidden = uang;
    form.querySelector('.field-amount').hidden = !uang;
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
        ...flagOf(p)));
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
      messages.error(error, () => readRw(code, approximate));
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
      messages.error(error);
    }
  }

  async function showNearest(point) {
    if (!active) return;
    const ticket = ++asked;
    origin = point;
    nearest = null;
    renderNearest();
    try {
      const answer = await api.get('api/v1/targets/nearest', {
        lon: point.lon.toFixed(6), lat: point.lat.toFixed(6), k: NEAREST_COUNT, status: 'open', program: filters.program(),
      });
      if (ticket !== asked) return;
      nearest = answer.targets ?? [];
      renderNearest();
      mapView.setPoints('nearest', nearest);
    } catch (error) {
      if (ticket !== asked) return;
      nearest = [];
      renderNearest();
      messages.error(error, () => showNearest(point));
    }
  }

  async function loadPledges() {
    try {
      const answer = await api.get('api/v1/pledges');
      pledges = answer.pledges ?? [];
      // Newest first: ids grow with every pledge.
      pledges.sort((a, b) => (a.id < b.id ? 1 : -1));
      renderPledges();
    } catch (error) {
      messages.error(error, loadPledges);
    }
  }

  function pledgeBody() {
    const body = {target: chosen.id, form: formSelect.value};
    if (body.form === 'uang') body.amount_idr = Number.parseInt(form.elements.amount_idr.value, 10);
    else body.quantity = Number.parseInt(form.elements.quantity.value, 10);
    return body;
  }

  async function submit(event) {
    event.preventDefault();
    if (!chosen) {
      messages.error(new Error(t('pledge.notarget')));
      return;
    }
    const target = chosen;
    const body = pledgeBody();
    const button = byTestId('pledge-submit', form);
    button.disabled = true;
    messages.info(t('pledge.sending'));
    try {
      const answer = await postOnce(api, `pledge.${target.id}`, 'api/v1/pledges', body);
      const pledge = answer.data;
      messages.success(t('pledge.done', {id: pledge.id, target: target.id}));
      target.status = pledge.target_status ?? 'pledged';
      mapView.reloadTiles();
      renderNearest();
      if (pledge.rw) await readRw(pledge.rw, false);
      loadPledges();
    } catch (error) {
      messages.error(error, () => form.requestSubmit());
    } finally {
      button.disabled = false;
    }
  }

  async function locate() {
    let point;
    try {
      point = await currentPosition();
    } catch (error) {
      point = mapView.center();
      messages.error(new Error(t('error.geolocation', {reason: error.message})));
    }
    choosePoint(point, {fly: true});
  }

  form.addEventListener('submit', submit);
  formSelect.addEventListener('change', renderChosen);
  byTestId('my-location', root).addEventListener('click', locate);
  filters.onChange(() => {
    if (origin) showNearest(origin);
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
      mapView.setPoints('nearest', []);
      mapView.setPoints('chosen', []);
      renderNearest();
      renderChosen();
      renderPledges();
      if (on) loadPledges();
    },
    showNearest,
  };
}
