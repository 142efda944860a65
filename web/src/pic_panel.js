// The field PIC's journey: their area outlined with its targets at exact positions (list and
// map, GET /api/v1/targets?area=), the targets without a location listed to visit, "where am
// I", the active pledges of the area (GET /api/v1/pledges?area=) and recording a delivery
// (POST /api/v1/pledges/{id}/realizations). A delivery's Idempotency-Key is made once per pledge
// and reused on every retry until the server answers (idempotency_keys.js), so a delivery sent
// twice over a bad connection is recorded once. Admins get the delivery form for any pledge.
import {ApiError} from './api_client.js';
import {byTestId, clearChildren, el} from './dom.js';
import {currentPosition} from './geolocation.js';
import {formatNumber, formatRupiah, onChange, t} from './i18n.js';
import {pendingKey, postOnce} from './idempotency_keys.js';

const DELIVERED_BY_KEY = 'sasaran.delivered_by';
const MAX_PAGES = 20;

export function createPicPanel({root, api, mapView, messages, choosePoint}) {
  const scopeLine = byTestId('pic-scope', root);
  const whereButton = byTestId('where-am-i', root);
  const whereLine = byTestId('pic-where', root);
  const targetsBox = byTestId('pic-targets', root);
  const pledgesList = byTestId('pic-pledges', root);
  const pledgesTitle = root.querySelector('.pic-pledges-title');
  const form = byTestId('delivery-form', root);
  const pendingLine = root.querySelector('.delivery-pending');

  let role = 'anonymous';
  let areas = null;      // [{level, code, name, bbox}] once found
  let targets = null;    // the targets of the areas, as the API shows them
  let pledges = null;    // active pledges of the areas
  let where = null;      // the last "where am I" answer
  let generation = 0;    // a sign-out or new sign-in makes older answers stale

  const isPic = () => role === 'pic';

  function renderScope() {
    if (role === 'admin') scopeLine.textContent = t('pic.admin');
    else if (areas === null) scopeLine.textContent = t('pic.finding');
    else if (!areas.length) scopeLine.textContent = t('pic.noscope');
    else scopeLine.textContent = t('pic.scope', {names: areas.map((a) => `${a.name} (${a.code})`).join(', ')});
    scopeLine.dataset.codes = (areas ?? []).map((a) => a.code).join(',');
  }

  function renderWhere() {
    clearChildren(whereLine);
    if (!where) return;
    const inside = where.inside;
    whereLine.dataset.inside = String(inside);
    const name = [where.found.rt?.name, where.found.rw?.name, where.found.kelurahan?.name].filter(Boolean).join(', ');
    whereLine.append(el('p', {}, name));
    if (isPic())
      whereLine.append(el('p', {class: inside ? 'ok' : 'warn'}, t(inside ? 'pic.where.inside' : 'pic.where.outside')));
  }

  function targetItem(target) {
    const located = target.located ?? (target.lon !== null && target.lon !== undefined);
    const rt = target.rt_code ? t('pic.rt', {rt: target.rt_code.slice(-3)}) :
      target.declared_rt ? t('pic.rt', {rt: target.declared_rt.slice(-3)}) : '';
    return el('li', {
      class: 'pic-target',
      dataset: {testid: 'pic-target', targetId: target.id, position: target.position, located: String(located), status: target.status},
    },
    located
      ? el('button', {type: 'button', class: 'link', onclick: () => mapView.flyTo(target.lon, target.lat, 17)}, target.id)
      : el('strong', {}, target.id),
    ' ', el('span', {class: `status status-${target.status}`}, t(`status.${target.status}`)),
    el('div', {}, `${t(`program.${target.program}`)} · ${target.need} · P${target.priority}`),
    el('div', {class: 'meta'}, [t(`pic.position.${target.position}`), rt,
      target.household_size ? t('pic.household', {size: target.household_size}) : ''].filter(Boolean).join(' · ')));
  }

  function renderTargets() {
    clearChildren(targetsBox);
    if (!isPic() || targets === null) return;
    const located = targets.filter((x) => x.located ?? (x.lon !== null && x.lon !== undefined));
    const unlocated = targets.filter((x) => !located.includes(x));
    targetsBox.append(
      el('h3', {}, t('pic.targets', {count: formatNumber(targets.length)})),
      el('h4', {}, t('pic.unlocated', {count: formatNumber(unlocated.length)})),
      el('ul', {class: 'scroll-list'}, unlocated.map(targetItem)),
      el('h4', {}, t('pic.located', {count: formatNumber(located.length)})),
      el('ul', {class: 'scroll-list'}, located.map(targetItem)));
  }

  function usePledge(pledge) {
    form.elements.pledge.value = pledge.id;
    renderPending();
    form.elements.delivered_by.focus();
  }

  function renderPledges() {
    clearChildren(pledgesList);
    pledgesTitle.textContent = pledges ? t('pic.pledges', {count: pledges.length}) : '';
    if (!pledges) return;
    if (!pledges.length) pledgesList.append(el('li', {class: 'hint'}, t('pic.pledges.none')));
    for (const p of pledges) {
      const amount = p.form === 'uang' ? formatRupiah(p.amount_idr ?? 0) : `${p.quantity ?? 0} ${t('pledge.form.barang').toLowerCase()}`;
      pledgesList.append(el('li', {dataset: {testid: 'pic-pledge', pledgeId: p.id, status: p.status}},
        el('strong', {}, p.id), ` · ${p.target} · ${t(`program.${p.program}`)} · ${amount} `,
        el('span', {class: `status status-${p.status}`}, t(`status.${p.status}`)), ' ',
        ...(p.flag ? [el('span', {class: 'status flag', dataset: {testid: 'pledge-flag'}}, t(`flag.${p.flag}`)), ' '] : []),
        el('button', {type: 'button', dataset: {testid: 'use-pledge', pledgeId: p.id}, onclick: () => usePledge(p)}, t('pic.pledge.use'))));
    }
  }

  function renderPending() {
    const id = form.elements.pledge.value.trim();
    pendingLine.textContent = id && pendingKey(`delivery.${id}`) ? t('delivery.pending') : '';
  }

  function render() {
    renderScope();
    renderWhere();
    renderTargets();
    renderPledges();
    renderPending();
  }

  async function allPages(path, query, key) {
    const items = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const answer = await api.get(path, {...query, limit: 1000, offset});
      items.push(...(answer[key] ?? []));
      if (!answer.next) break;
      offset += 1000;
    }
    return items;
  }

  async function loadAreaData(ticket) {
    try {
      const lists = await Promise.all(areas.map((a) => allPages('api/v1/targets', {area: a.code}, 'targets')));
      const pledgeLists = await Promise.all(areas.map((a) => api.get('api/v1/pledges', {area: a.code})));
      if (ticket !== generation) return;
      targets = lists.flat();
      pledges = pledgeLists.flatMap((answer) => answer.pledges ?? []);
      mapView.setPoints('pic-targets', targets.filter((x) => x.position === 'exact'));
      render();
    } catch (error) {
      if (ticket === generation) messages.error(error, () => loadAreaData(ticket));
    }
  }

  // An area of the scope with its box and coverage; one gone from the data keeps its code.
  async function describe(area) {
    try {
      return {...area, ...(await api.get(`api/v1/areas/${encodeURIComponent(area.code)}`))};
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return {...area, name: area.name ?? area.code};
      throw error;
    }
  }

  // The areas come with the session (GET /api/v1/me); each is read once more for its box.
  async function loadScope(scope, ticket) {
    try {
      const described = await Promise.all(scope.map((a) => describe(a)));
      if (ticket !== generation) return;
      areas = described;
      if (!form.elements.delivered_by.value && areas.length)
        form.elements.delivered_by.value = `PIC ${areas.map((a) => a.name).join(', ')}`;
      renderScope();
      outline();
      const boxes = areas.map((a) => a.bbox).filter(Boolean);
      if (boxes.length)
        mapView.fitBbox([Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
          Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))], 16);
      await loadAreaData(ticket);
    } catch (error) {
      if (ticket === generation) messages.error(error, () => loadScope(scope, ticket));
    }
  }

  // Kelurahan and larger areas outline their kelurahan on the tiles, RWs their RW; an RT's shape
  // comes from the OGC API (the map's tiles have no RT layer).
  async function outline() {
    const prefixes = areas.filter((a) => ['kota', 'kecamatan', 'kelurahan'].includes(a.level)).map((a) => a.code);
    const rwCodes = areas.filter((a) => a.level === 'rw').map((a) => a.code);
    const rts = areas.filter((a) => a.level === 'rt');
    let shapes = null;
    if (rts.length) {
      const features = await Promise.all(rts.map((a) => api.get(`ogc/collections/rt/items/${a.code}`)));
      shapes = {type: 'FeatureCollection', features};
    }
    mapView.setScope({prefixes, rwCodes, shapes});
  }

  async function whereAmI() {
    let point;
    try {
      point = await currentPosition();
    } catch (error) {
      point = mapView.center();
      messages.error(new Error(t('error.geolocation', {reason: error.message})));
    }
    const found = await choosePoint(point, {fly: true});
    if (!found) return;
    const codes = [found.kota, found.kecamatan, found.kelurahan, found.rw, found.rt].map((a) => a?.code);
    where = {found, inside: (areas ?? []).some((a) => codes.includes(a.code))};
    renderWhere();
  }

  async function submit(event) {
    event.preventDefault();
    const id = form.elements.pledge.value.trim();
    if (!id) {
      messages.error(new Error(t('delivery.nopledge')));
      return;
    }
    const body = {delivered_by: form.elements.delivered_by.value.trim()};
    const note = form.elements.note.value.trim();
    if (note) body.note = note;
    for (const name of ['quantity', 'amount_idr']) {
      const value = form.elements[name].value.trim();
      if (value) body[name] = Number.parseInt(value, 10);
    }
    try {
      sessionStorage.setItem(DELIVERED_BY_KEY, body.delivered_by);
    } catch {
      // not remembered; nothing else depends on it
    }
    const button = byTestId('delivery-submit', form);
    button.disabled = true;
    messages.info(t('delivery.sending'));
    try {
      const answer = await postOnce(api, `delivery.${id}`, `api/v1/pledges/${encodeURIComponent(id)}/realizations`, body);
      const replayed = answer.headers.get('Idempotent-Replayed') === 'true';
      messages.success(t(replayed ? 'delivery.replayed' : 'delivery.done', {id}));
      mapView.reloadTiles();
      if (areas?.length) loadAreaData(generation);
    } catch (error) {
      messages.error(error, () => form.requestSubmit());
    } finally {
      button.disabled = false;
      renderPending();
    }
  }

  whereButton.addEventListener('click', whereAmI);
  form.addEventListener('submit', submit);
  form.elements.pledge.addEventListener('input', renderPending);
  onChange(render);

  return {
    /** Shown for PICs (their areas) and admins (the delivery form); hidden otherwise. */
    setRole(newRole, scope = []) {
      role = newRole;
      const ticket = ++generation;
      root.hidden = !(role === 'pic' || role === 'admin');
      root.dataset.role = role;
      areas = role === 'pic' ? null : [];
      targets = null;
      pledges = null;
      where = null;
      mapView.setPoints('pic-targets', []);
      mapView.setScope({});
      form.elements.pledge.value = '';
      let remembered = '';
      try {
        remembered = sessionStorage.getItem(DELIVERED_BY_KEY) ?? '';
      } catch {
        remembered = '';
      }
      form.elements.delivered_by.value = remembered;
      render();
      if (role === 'pic') loadScope(scope, ticket);
    },
  };
}
