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
import {createSession, takeLinkCode} from './session.js';
import {createViewToggle} from './view_toggle.js';

const TILE_ERROR_QUIET_MS = 5000;

const LINK_REFUSED = 'urn:sasaran:problem:sign-in-link-not-accepted';

async function start() {
  // A sign-in link's code leaves the address bar before anything else can read or keep it.
  const linkCode = takeLinkCode();
  applyStatic();
  // The page's folder: the API and tiles are beside it (also behind a proxy under a path).
  const base = new URL('.', document.baseURI).href;
  let session = null;
  let sessionRefused = () => {};
  const api = createApiClient({
    base,
    getToken: () => session?.token() ?? '',
    onTokenRefused: (token) => {
      if (token === session?.token()) sessionRefused();
    },
  });
  session = createSession(api);
  const messages = createMessages({
    root: byTestId('messages'),
    // A session the server no longer accepts (revoked, expired) is ended here too, so the role
    // line and the panels never show a role the server has stopped honouring.
    // Later, not inside the caller: a tile's error arrives in MapLibre's tile callback, and
    // reloading the tiles from there leaves the source loading for ever.
    // Both ways a refusal is met (this one and the API client's) end in sessionRefused, so
    // the sign-in line always says why the page signed out, whichever comes first.
    onSessionRefused: () => setTimeout(() => sessionRefused(), 0),
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
        messages.error(refused, {topic: 'map'});
        return;
      }
      const now = Date.now();
      if (now - lastTileError < TILE_ERROR_QUIET_MS) return;
      // A tile abandoned because the view or the token changed is no failure.
      if (error?.name === 'AbortError') return;
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
  const roleLine = document.getElementById('role-line');
  const signout = byTestId('signout');
  function showRole() {
    const role = session.role();
    const signedIn = session.signedIn();
    roleWord.textContent = signedIn ? role : '';
    roleWord.dataset.role = role;
    const name = session.name();
    roleName.textContent = signedIn
      ? `(${t(`role.${role}`)}${name ? `, ${name}` : ''})`
      : t('signin.anonymous');
    signout.hidden = !signedIn;
    // Signed in, the ways to sign in only get in the way; signing out brings them back.
    document.getElementById('signin-how').hidden = signedIn;
    document.getElementById('signin-api').hidden = signedIn;
    document.body.dataset.role = role;
  }
  function applySession({role}) {
    showRole();
    mapView.reloadTiles();
    legend.setRole(role);
    collaborator.setActive(role === 'collaborator' || role === 'aggregator');
    planner.setActive(role === 'planner' || role === 'admin');
    pic.setRole(role, session.areas());
  }
  session.onChange(applySession);
  onChange(showRole);
  showRole();
  // Kept from an earlier visit: the panels of its role at once, also offline.
  if (session.signedIn()) applySession(session.me());

  // A session the server refuses mid-use (ended elsewhere, revoked, expired): signed out here.
  // The request that met the refusal reports its own error first; why the page signed out is
  // the message that stays.
  sessionRefused = () => {
    if (!session.signedIn()) return;
    session.dropRefused();
    setTimeout(() => messages.error(new Error(t('signin.refused')), {topic: 'signin'}), 0);
  };

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
    await session.signOut();
    messages.success(() => t('signout.done'), {topic: 'signin'});
    tokenInput.focus();
  });

  async function signInWithLink(code) {
    messages.info(() => t('signin.link.checking'), {topic: 'signin'});
    try {
      await session.signInWithLink(code);
      messages.success(() => t('signin.link.done', {role: t(`role.${session.role()}`), name: session.name()}), {topic: 'signin'});
      roleLine.focus();
    } catch (error) {
      if (error instanceof ApiError && error.problem?.type === LINK_REFUSED) {
        const reason = ['used', 'expired'].includes(error.problem.reason) ? error.problem.reason : 'unknown';
        messages.error(new Error(t(`signin.link.${reason}`)), {topic: 'signin'});
      } else {
        messages.error(error, {topic: 'signin', retry: () => signInWithLink(code)});
      }
    }
  }
  if (linkCode) {
    await signInWithLink(linkCode);
  } else if (session.signedIn()) {
    // Kept from an earlier visit: shown at once (also offline), then checked with the server.
    try {
      await session.refresh();
    } catch (error) {
      if (!(error instanceof NetworkError) && !(error instanceof ApiError && error.status === 401)) messages.error(error, {topic: 'signin'});
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
