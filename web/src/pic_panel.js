// The field PIC's panel: their area outlined, "where am I", the work list (pledges still to
// deliver, each with its household: pic_work_list.js) with numbered dots on the map
// (pic_map_layer.js), recording a delivery (POST /api/v1/pledges/{id}/realizations), the
// households to visit whose location is still unknown (pic_visit_list.js), the queue of writes
// made without a connection (pic_queue_box.js) and the offline copy (pic_offline_copy.js). A
// delivery's Idempotency-Key is made once per pledge and body and kept until the server answers
// (idempotency_keys.js): a queued one is sent with that same key, so each delivery lands exactly
// once. Admins get the delivery form for any pledge.
import {ApiError, NetworkError, urlOf} from './api_client.js';
import {byTestId, clearChildren, el} from './dom.js';
import {currentPosition} from './geolocation.js';
import {onChange, t} from './i18n.js';
import {keyFor, pendingKey, postOnce} from './idempotency_keys.js';
import {createPicMapLayer} from './pic_map_layer.js';
import {createOfflineCopy} from './pic_offline_copy.js';
import {createQueueBox} from './pic_queue_box.js';
import {createVisitList} from './pic_visit_list.js';
import {createWorkList, isLocated, isOwn, sortItems, workItems} from './pic_work_list.js';

const DELIVERED_BY_KEY = 'sasaran.delivered_by';
const PAGE_SIZE = 1000;
const MAX_PAGES = 20;

export function createPicPanel({root, api, mapView, messages, choosePoint, getToken, sessionEnd = () => null}) {
  const scopeLine = byTestId('pic-scope', root);
  const whereButton = byTestId('where-am-i', root);
  const whereLine = byTestId('pic-where', root);
  const workCard = byTestId('pic-work-card', root);
  const form = byTestId('delivery-form', root);
  const pendingLine = root.querySelector('.delivery-pending');
  const base = api.base;

  let role = 'anonymous';
  let areas = null;      // [{level, code, name, bbox}] once found
  let targets = null;    // the targets of the areas, as the API shows them
  let pledges = null;    // active pledges of the areas
  let dataUrls = [];     // the API requests that gave them (for the offline copy)
  let queued = [];       // entries of the queue of writes made without a connection
  let where = null;      // the last "where am I" answer, with its point
  let generation = 0;    // a sign-out or new sign-in makes older answers stale

  const isPic = () => role === 'pic';
  const areaCodes = () => (areas ?? []).map((a) => a.code);

  const layer = createPicMapLayer({mapView, onTap: (pledgeId) => work.select(pledgeId)});
  const work = createWorkList({
    root: workCard,
    onSelect(item) {
      layer.set(work.shown());
      layer.select(item?.pledge.id ?? null);
      if (item && isLocated(item.target)) mapView.flyTo(item.target.lon, item.target.lat, 17);
    },
    onRecord(item) {
      form.elements.pledge.value = item.pledge.id;
      renderPending();
      form.elements.delivered_by.focus();
    },
  });
  const queue = createQueueBox({
    box: byTestId('delivery-queue', root), api, messages,
    onChange(entries) {
      queued = entries;
      renderWork();
    },
    onSent() {
      mapView.reloadTiles();
      if (areas?.length) loadAreaData(generation);
    },
  });
  const offline = createOfflineCopy({
    button: byTestId('offline-save', root), line: byTestId('offline-status', root), api, messages,
    getToken, sessionEnd, scope: () => (areas && targets !== null ? {areas, dataUrls} : null),
  });
  const visits = createVisitList({
    root: byTestId('pic-visits', root), api, mapView, messages, queue,
    onRecorded: () => { if (navigator.onLine) loadAreaData(generation); },
  });

  function renderScope() {
    if (role === 'admin') scopeLine.textContent = t('pic.admin');
    else if (areas === null) scopeLine.textContent = t('pic.finding');
    else if (!areas.length) scopeLine.textContent = t('pic.noscope');
    else scopeLine.textContent = t('pic.scope', {names: areas.map((a) => `${a.name} (${a.code})`).join(', ')});
    scopeLine.dataset.codes = (areas ?? []).map((a) => a.code).join(',');
  }

  function renderWhere() {
    clearChildren(whereLine);
    if (!where?.found) return;
    const inside = where.inside;
    whereLine.dataset.inside = String(inside);
    const name = [where.found.rt?.name, where.found.rw?.name, where.found.kelurahan?.name].filter(Boolean).join(', ');
    whereLine.append(el('p', {}, name));
    if (isPic())
      whereLine.append(el('p', {class: inside ? 'ok' : 'warn'}, t(inside ? 'pic.where.inside' : 'pic.where.outside')));
  }

  function renderWork() {
    workCard.hidden = !isPic();
    byTestId('pic-visits', root).hidden = !isPic();
    if (!isPic() || targets === null) {
      work.clear();
      layer.clear();
      visits.clear();
      return;
    }
    const queuedDeliveries = new Set(queued.filter((x) => x.kind === 'delivery').map((x) => x.subject));
    const queuedLocations = new Set(queued.filter((x) => x.kind === 'location').map((x) => x.subject));
    const items = sortItems(workItems({targets, pledges, areaCodes: areaCodes(), queued: queuedDeliveries}),
      where?.point ?? null);
    work.set(items, {byDistance: Boolean(where?.point)});
    layer.set(work.shown());
    layer.select(work.selected());
    visits.set(targets.filter((x) => isOwn(x, areaCodes()) && !isLocated(x)), queuedLocations);
  }

  function renderPending() {
    const id = form.elements.pledge.value.trim();
    pendingLine.textContent = id && pendingKey(`delivery.${id}`) ? t('delivery.pending') : '';
  }

  function render() {
    renderScope();
    renderWhere();
    renderWork();
    queue.render();
    renderPending();
    offline.render();
  }

  async function allPages(path, query, key) {
    const items = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const pageQuery = {...query, limit: PAGE_SIZE, offset};
      dataUrls.push(urlOf(base, path, pageQuery).href);
      const answer = await api.get(path, pageQuery);
      items.push(...(answer[key] ?? []));
      if (!answer.next) break;
      offset += PAGE_SIZE;
    }
    return items;
  }

  async function loadAreaData(ticket) {
    try {
      dataUrls = [];
      const lists = await Promise.all(areas.map((a) => allPages('api/v1/targets', {area: a.code}, 'targets')));
      const pledgeLists = await Promise.all(areas.map((a) => {
        dataUrls.push(urlOf(base, 'api/v1/pledges', {area: a.code}).href);
        return api.get('api/v1/pledges', {area: a.code});
      }));
      if (ticket !== generation) return;
      targets = lists.flat();
      pledges = pledgeLists.flatMap((answer) => answer.pledges ?? []);
      render();
    } catch (error) {
      if (ticket === generation) messages.error(error, {topic: 'pic', retry: () => loadAreaData(ticket)});
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
      if (ticket === generation) messages.error(error, {topic: 'pic', retry: () => loadScope(scope, ticket)});
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
    let fromDevice = true;
    try {
      point = await currentPosition();
    } catch (error) {
      point = mapView.center();
      fromDevice = false;
      messages.error(new Error(t('error.geolocation', {reason: error.message})), {topic: 'pic'});
    }
    // The list is sorted by distance at once, also without a connection (the place's name needs
    // the server).
    if (fromDevice) {
      where = {point, found: null, inside: null};
      renderWork();
    }
    const found = await choosePoint(point, {fly: true});
    if (!found) return;
    const codes = [found.kota, found.kecamatan, found.kelurahan, found.rw, found.rt].map((a) => a?.code);
    where = {found, point, inside: (areas ?? []).some((a) => codes.includes(a.code))};
    renderWhere();
    renderWork();
  }

  async function submit(event) {
    event.preventDefault();
    const id = form.elements.pledge.value.trim();
    if (!id) {
      messages.error(new Error(t('delivery.nopledge')), {topic: 'pic'});
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
    const scope = `delivery.${id}`;
    const path = `api/v1/pledges/${encodeURIComponent(id)}/realizations`;
    const button = byTestId('delivery-submit', form);
    button.disabled = true;
    messages.info(t('delivery.sending'), {topic: 'pic'});
    try {
      const answer = await postOnce(api, scope, path, body);
      const replayed = answer.headers.get('Idempotent-Replayed') === 'true';
      messages.success(t(replayed ? 'delivery.replayed' : 'delivery.done', {id}), {topic: 'pic'});
      form.elements.pledge.value = '';
      mapView.reloadTiles();
      if (areas?.length) loadAreaData(generation);
    } catch (error) {
      if (error instanceof NetworkError && isPic()) {
        // No connection: kept with its key, sent when the connection returns.
        await queue.add({key: keyFor(scope, body), kind: 'delivery', subject: id, scope, path, body});
        messages.info(t('delivery.queued', {id}), {topic: 'pic'});
        form.elements.pledge.value = '';
      } else {
        messages.error(error, {topic: 'pic', retry: () => form.requestSubmit()});
        if (error instanceof ApiError && error.status === 409 && areas?.length) loadAreaData(generation);
      }
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
      // A PIC's session that ended (signed out, revoked, expired) takes its offline copy along.
      if (role === 'pic' && newRole !== 'pic') offline.forget();
      role = newRole;
      const ticket = ++generation;
      root.hidden = !(role === 'pic' || role === 'admin');
      root.dataset.role = role;
      areas = role === 'pic' ? null : [];
      targets = null;
      pledges = null;
      where = null;
      form.elements.pledge.value = '';
      let remembered = '';
      try {
        remembered = sessionStorage.getItem(DELIVERED_BY_KEY) ?? '';
      } catch {
        remembered = '';
      }
      form.elements.delivered_by.value = remembered;
      mapView.setScope({});
      render();
      queue.setActive(role === 'pic');
      offline.setActive(role === 'pic');
      if (role === 'pic') loadScope(scope, ticket);
    },

    /** On sign-out: the queue is sent if it can be, then the copy and the queue are deleted. */
    async forget() {
      await queue.forget();
      await offline.forget();
    },
  };
}
