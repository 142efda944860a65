// The web map's entry point: builds the map and the panels, and routes what the user does
// (a click on the map, a search, a sign-in, the program filter) to the panels of their role.
// DOM contract for the browser tests: docs/api.md, "Web map".
import {ApiError, createApiClient, NetworkError} from './api_client.js';
import {createCollaboratorPanel} from './collaborator_panel.js';
import {byTestId} from './dom.js';
import {applyStatic, onChange, t, toggleLanguage} from './i18n.js';
import {createLegend} from './legend.js';
import {createMapView, FALLBACK_VIEW, readTileJson, workerSource} from './map_view.js';
import {createMessages} from './messages.js';
import {createPicPanel} from './pic_panel.js';
import {createPlacePanel} from './place_panel.js';
import {createPlannerPanel} from './planner_panel.js';
import {createProgramFilter} from './program_filter.js';
import {createSearchPanel} from './search_panel.js';
import {createSession} from './session.js';
import {createViewToggle} from './view_toggle.js';

const TILE_ERROR_QUIET_MS = 5000;

async function start() {
  applyStatic();
  // The page's folder: the API and tiles are beside it (also behind a proxy under a path).
  const base = new URL('.', document.baseURI).href;
  let session = null;
  const api = createApiClient({base, getToken: () => session?.token() ?? ''});
  session = createSession(api);
  const messages = createMessages({
    root: byTestId('messages'),
    // A session the server no longer accepts (revoked, expired) is ended here too, so the role
    // line and the panels never show a role the server has stopped honouring.
    // Later, not inside the caller: a tile's error arrives in MapLibre's tile callback, and
    // reloading the tiles from there leaves the source loading for ever.
    onSessionRefused: () => setTimeout(() => session.signedIn() && session.signOut(), 0),
  });

  byTestId('lang').addEventListener('click', toggleLanguage);

  performance.mark('sasaran:start');
  let view = FALLBACK_VIEW;
  const worker = workerSource(base);
  try {
    view = await readTileJson(api);
  } catch (error) {
    messages.error(new Error(t('error.tilejson', {reason: error.message})), {topic: 'map'});
  }
  const workerUrl = await worker;

  let lastTileError = 0;
  const mapView = createMapView({
    container: document.getElementById('map'),
    base,
    getToken: () => session.token(),
    view,
    workerUrl,
    onTileError(error) {
      // One message for a burst of failed tiles; the retry asks for every shown tile again.
      // A 401 on a tile with a token is the session refused, not a broken map (once signed out,
      // the tiles are asked for again without it: a late 401 of the old ones says nothing new).
      if (error?.status === 401) {
        if (!session.signedIn()) return;
        const refused = new ApiError(401, {type: 'urn:sasaran:problem:token-not-accepted', status: 401});
        refused.sentToken = true;
        messages.error(refused, {topic: 'signin'});
        return;
      }
      const now = Date.now();
      if (now - lastTileError < TILE_ERROR_QUIET_MS) return;
      lastTileError = now;
      const reason = error?.status ? `HTTP ${error.status}` : t('error.noanswer');
      messages.error(new Error(t('error.tiles', {reason})), {topic: 'map', retry: () => mapView.reloadTiles()});
    },
  });
  const map = mapView.map;
  window.sasaranMap = map;
  const views = createViewToggle({map});
  mapView.onBeforeMove(() => views.showMap());
  // Marks for measuring the first render (performance.getEntriesByType('mark')).
  map.once('load', () => {
    performance.mark('sasaran:style-loaded');
    map.once('idle', () => {
      performance.mark('sasaran:ready');
      document.body.dataset.ready = 'true';
    });
  });

  // For the browser tests (as window.sasaranMap): the messages, the API client and its errors.
  window.sasaranPage = {messages, api, ApiError, NetworkError};

  const filters = createProgramFilter({select: byTestId('program')});
  const place = createPlacePanel({root: byTestId('place'), api, mapView, messages, filters});
  const legend = createLegend({root: document.getElementById('legend')});

  const isGiver = () => ['collaborator', 'aggregator'].includes(session.role());
  let collaborator = null;
  /** A point chosen on the map or by the device: the place there, and the role's action. */
  async function choosePoint(point, {fly = false} = {}) {
    if (fly) mapView.flyTo(point.lon, point.lat, 15);
    if (isGiver()) collaborator.pointChosen(point);
    return place.showPoint(point);
  }

  collaborator = createCollaboratorPanel({
    root: document.getElementById('collaborator-panel'), api, mapView, messages, filters, choosePoint,
  });
  const planner = createPlannerPanel({
    root: document.getElementById('planner-panel'), api, mapView, messages, filters,
    onChooseArea: (area) => place.showArea(area),
  });
  const pic = createPicPanel({
    root: document.getElementById('pic-panel'), api, mapView, messages, choosePoint,
    getToken: () => session.token(), sessionEnd: () => session.me?.()?.expires_at ?? null,
  });
  createSearchPanel({
    input: byTestId('search'), results: byTestId('search-results'), api, mapView, messages,
    onChoose: (area) => {
      place.showArea(area);
      // Without a pointer (keyboard, screen reader), a found area is where to look for targets.
      if (isGiver() && area.bbox)
        collaborator.showNearest({lon: (area.bbox[0] + area.bbox[2]) / 2, lat: (area.bbox[1] + area.bbox[3]) / 2}, {focus: true});
    },
  });

  mapView.onClick((point) => choosePoint(point));
  filters.onChange((program) => mapView.setProgram(program));

  // Sign-in: the role decides which panels show; the tiles are asked for again with the token.
  const roleWord = byTestId('role');
  const roleName = document.querySelector('.role-name');
  const signout = byTestId('signout');
  function showRole() {
    const role = session.role();
    const signedIn = session.signedIn();
    roleWord.textContent = signedIn ? role : '';
    roleWord.dataset.role = role;
    roleName.textContent = signedIn ? `(${t(`role.${role}`)})` : t('signin.anonymous');
    signout.hidden = !signedIn;
    // Signed in, the token box only gets in the way; signing out brings it back.
    for (const id of ['signin-token', 'signin', 'signin-hint']) {
      const element = id === 'signin' ? byTestId(id) : document.getElementById(id);
      element.hidden = signedIn;
    }
    document.querySelector('label[for=signin-token]').hidden = signedIn;
    document.body.dataset.role = role;
  }
  session.onChange(({role}) => {
    showRole();
    mapView.reloadTiles();
    legend.setRole(role);
    collaborator.setActive(role === 'collaborator' || role === 'aggregator');
    planner.setActive(role === 'planner' || role === 'admin');
    pic.setRole(role, session.areas());
  });
  onChange(showRole);
  showRole();

  const tokenInput = byTestId('signin-token');
  async function signIn(token) {
    messages.info(() => t('signin.checking'), {topic: 'signin'});
    try {
      await session.signIn(token);
      tokenInput.value = '';
      messages.success(() => t('signin.done', {role: t(`role.${session.role()}`)}), {topic: 'signin'});
      // The sign-in form is gone: the keyboard goes on to the panel of the role.
      const panel = document.querySelector('.role-panel:not([hidden]) h2') ?? byTestId('signout');
      panel.setAttribute('tabindex', '-1');
      panel.focus();
    } catch (error) {
      messages.error(error, {topic: 'signin', retry: () => signIn(token)});
    }
  }
  document.getElementById('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) messages.error(new Error(t('signin.empty')), {topic: 'signin'});
    else signIn(token);
  });
  signout.addEventListener('click', async () => {
    await pic.forget();  // a PIC's offline copy and queue go with the session
    session.signOut();
    messages.success(() => t('signout.done'), {topic: 'signin'});
    tokenInput.focus();
  });
  const stored = session.storedToken();
  if (stored) {
    try {
      await session.signIn(stored);
    } catch (error) {
      session.signOut();
      messages.error(error, {topic: 'signin'});
    }
  }
}

start().catch((error) => {
  // A fault here is a bug; say it on the page rather than leave it blank.
  const box = document.querySelector('[data-testid="messages"]');
  if (box) {
    const line = document.createElement('p');
    line.textContent = String(error?.message ?? error);
    Object.assign(line.dataset, {testid: 'message', topic: 'general', kind: 'error'});
    box.append(line);
  }
  throw error;
});
