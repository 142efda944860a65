// Households to visit: the PIC's own targets that have no location yet ("lokasi belum tercatat"),
// with their declared RT/RW, household size and need. On the visit, "Catat lokasi di sini" takes
// the device's position (or, when there is none, a point tapped on the map), shows it for
// confirmation, and POSTs /api/v1/targets/{id}/location with an Idempotency-Key
// (idempotency_keys.js); without a connection the write is queued (delivery_queue.js).
import {NetworkError} from './api_client.js';
import {byTestId, clearChildren, el} from './dom.js';
import {currentPosition} from './geolocation.js';
import {formatNumber, t} from './i18n.js';
import {keyFor, postOnce} from './idempotency_keys.js';
import {rtOf, rwOf} from './pic_work_list.js';

const round6 = (v) => Math.round(v * 1e6) / 1e6;

export function createVisitList({root, api, mapView, messages, queue, onRecorded}) {
  const title = byTestId('pic-visits-title', root);
  const list = byTestId('pic-visit-list', root);
  let targets = [];
  let queued = new Set();  // target ids whose location waits in the queue
  let pending = null;      // {target, point, source} being confirmed, or {target, picking: true}

  function render() {
    clearChildren(list);
    title.textContent = t('pic.visits', {count: formatNumber(targets.length)});
    if (!targets.length) list.append(el('li', {class: 'hint'}, t('pic.visits.none')));
    for (const target of targets) {
      const rt = rtOf(target), rw = rwOf(target);
      const item = el('li', {class: 'pic-visit', dataset: {testid: 'pic-visit', targetId: target.id, located: 'false'}},
        el('strong', {}, target.id), ' ',
        el('span', {class: 'status status-unlocated'}, queued.has(target.id) ? t('pic.visit.queued') : t('pic.visit.unlocated')),
        el('div', {}, [rt && t('pic.rt.declared', {rt}), rw && t('pic.rw', {rw}),
          target.household_size ? t('pic.household', {size: target.household_size}) : ''].filter(Boolean).join(' · ')),
        el('div', {class: 'meta'}, `${target.need} (${t(`program.${target.program}`)}) · P${target.priority}`));
      if (pending?.target.id === target.id) item.append(confirmBox());
      else if (!queued.has(target.id))
        item.append(el('button', {
          type: 'button', dataset: {testid: 'locate-here', targetId: target.id},
          'aria-label': t('pic.visit.locate.label', {id: target.id}), onclick: () => locate(target),
        }, t('pic.visit.locate')));
      list.append(item);
    }
  }

  function confirmBox() {
    if (pending.picking) {
      return el('div', {class: 'confirm', dataset: {testid: 'locate-confirm'}},
        el('p', {}, t('pic.visit.tap')),
        el('button', {type: 'button', onclick: cancel}, t('pic.visit.cancel')));
    }
    const {point, source} = pending;
    return el('div', {class: 'confirm', dataset: {testid: 'locate-confirm', lon: String(point.lon), lat: String(point.lat)}},
      el('p', {}, t(`pic.visit.point.${source}`, {lat: point.lat.toFixed(6), lon: point.lon.toFixed(6)})),
      el('button', {type: 'button', class: 'primary', dataset: {testid: 'locate-save'}, onclick: save}, t('pic.visit.save')),
      ' ', el('button', {type: 'button', dataset: {testid: 'locate-on-map'}, onclick: pickOnMap}, t('pic.visit.onmap')),
      ' ', el('button', {type: 'button', onclick: cancel}, t('pic.visit.cancel')));
  }

  function pickOnMap() {
    pending = {target: pending.target, picking: true};
    mapView.setPoints('clicked', []);
    render();
  }

  function cancel() {
    pending = null;
    mapView.setPoints('clicked', []);
    render();
  }

  function choosePoint(target, point, source) {
    pending = {target, point: {lon: round6(point.lon), lat: round6(point.lat)}, source};
    mapView.setPoints('clicked', [pending.point]);
    mapView.flyTo(pending.point.lon, pending.point.lat, 17);
    render();
    byTestId('locate-save', list)?.focus();
  }

  async function locate(target) {
    try {
      choosePoint(target, await currentPosition(), 'device');
    } catch {
      // No position from the device: a tap on the map gives it (the box says so).
      pending = {target, picking: true};
      render();
      byTestId('locate-confirm', list)?.querySelector('button')?.focus();
    }
  }

  async function save() {
    const {target, point} = pending;
    const scope = `location.${target.id}`;
    const path = `api/v1/targets/${encodeURIComponent(target.id)}/location`;
    const body = {lon: point.lon, lat: point.lat};
    try {
      await postOnce(api, scope, path, body);
      pending = null;
      messages.success(t('pic.visit.done', {id: target.id}), {topic: 'location'});
      onRecorded();
    } catch (error) {
      if (error instanceof NetworkError) {
        await queue.add({key: keyFor(scope, body), kind: 'location', subject: target.id, scope, path, body});
        pending = null;
        messages.info(t('pic.visit.queued.done', {id: target.id}), {topic: 'location'});
        onRecorded();
      } else {
        messages.error(error, {topic: 'location', retry: save});
      }
    }
    mapView.setPoints('clicked', []);
    render();
  }

  mapView.onClick((point) => {
    if (pending?.picking) choosePoint(pending.target, point, 'map');
  });

  return {
    set(unlocated, queuedIds) {
      targets = unlocated;
      queued = queuedIds;
      if (pending && !targets.some((x) => x.id === pending.target.id)) pending = null;
      render();
    },
    clear() {
      targets = [];
      pending = null;
      clearChildren(list);
      title.textContent = '';
    },
    render,
  };
}
