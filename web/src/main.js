// The web map's entry point: builds the map and the panels, and routes what the user does
// (a click on the map, a search, a sign-in, the program filter) to the panels of their role.
// DOM contract for the browser tests: docs/api.md, "Web map".
import {createApiClient} from './api_client.js';
import {createCollaboratorPanel} from './collaborator_panel.js';
import {byTestId} from './dom.js';
import {applyStatic, onChange, t, toggleLanguage} from './i18n.js';
import {createLegend} from './legend.js';
import {createMapView, FALLBACK_VIEW, readTileJson} from './map_view.js';
import {createMessages} from './messages.js';
import {createPicPanel} from './pic_panel.js';
import {createPlacePanel} from './place_panel.js';
import {createPlannerPanel} from './planner_panel.js';
import {createProgramFilter} from './program_filter.js';
import {createSearchPanel} from './search_panel.js';
import {createSession} from './session.js';

const TILE_ERROR_QUIET_MS = 5000;

async function start() {
  applyStatic();
  // The page's folder: the API and tiles are beside it (also behind a proxy under a path).
  const base = new URL('.', document.baseURI).href;
  let session = null;
  const api = createApiClient({base, getToken: () => session?.token() ?? ''});
  session = createSession(api);
  const messages = createMessages({element: byTestId('message'), retryButton: byTestId('message-retry')});

  byTestId('lang').addEventListener('click', toggleLanguage);

  performance.mark('sasaran:start');
  let view = FALLBACK_VIEW;
  try {
    view = await readTileJson(api);
  } catch (error) {
    messages.error(new Error(t('error.tilejson', {reason: error.message})));
  }

  let lastTileError = 0;
  const mapView = createMapView({
    container: document.getElementById('map'),
    base,
    getToken: () => session.token(),
    view,
    onTileError(error) {
      // One message for a burst of failed tiles; the retry asks for every shown tile again.
      const now = Date.now();
      if (now - lastTileError < TILE_ERROR_QUIET_MS) return;
      lastTileError = now;
      const reason = error?.status ? `HTTP ${error.status}` : t('error.noanswer');
      messages.error(new Error(t('error.tiles', {reason})), () => mapView.reloadTiles());
    },
  });
  const map = mapView.map;
  window.sasaranMap = map;
  // Marks for measuring the first render (performance.getEntriesByType('mark')).
  map.once('load', () => {
    performance.mark('sasaran:style-loaded');
    map.once('idle', () => {
      performance.mark('sasaran:ready');
      document.body.dataset.ready = 'true';
    });
  });

  const filters = createProgramFilter({select: byTestId('program')});
  const place = createPlacePanel({root: byTestId('place'), api, mapView, messages, filters});
  createLegend({root: document.getElementById('legend')});

  const isGiver = () => ['collaborator', 'aggregator'].includes(session.role());
  let collaborator = null;
  /** A point chosen on the map or by the device: the place there, and the role's action. */
  async function choosePoint(point, {fly = false} = {}) {
    if (fly) mapView.flyTo(point.lon, point.lat, 15);
    if (isGiver()) collaborator.showNearest(point);
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
        collaborator.showNearest({lon: (area.bbox[0] + area.bbox[2]) / 2, lat: (area.bbox[1] + area.bbox[3]) / 2});
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
    collaborator.setActive(role === 'collaborator' || role === 'aggregator');
    planner.setActive(role === 'planner' || role === 'admin');
    pic.setRole(role, session.areas());
  });
  onChange(showRole);
  showRole();

  const tokenInput = byTestId('signin-token');
  async function signIn(token) {
    messages.info(t('signin.checking'));
    try {
      await session.signIn(token);
      tokenInput.value = '';
      messages.success(t('signin.done', {role: t(`role.${session.role()}`)}));
    } catch (error) {
      messages.error(error, () => signIn(token));
    }
  }
  document.getElementById('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) messages.error(new Error(t('signin.empty')));
    else signIn(token);
  });
  signout.addEventListener('click', async () => {
    await pic.forget();  // a PIC's offline copy and queue go with the session
    session.signOut();
    messages.success(t('signout.done'));
  });
  const stored = session.storedToken();
  if (stored) {
    try {
      await session.signIn(stored);
    } catch (error) {
      session.signOut();
      messages.error(error);
    }
  }
}

start().catch((error) => {
  // A fault here is a bug; say it on the page rather than leave it blank.
  const message = document.querySelector('[data-testid="message"]');
  if (message) {
    message.textContent = String(error?.message ?? error);
    message.dataset.kind = 'error';
    message.hidden = false;
  }
  throw error;
});
