// The phone layout's map/list toggle ([data-testid=view-map], [data-testid=view-list]): below
// 760 px the map and the panels take the screen in turn (body[data-view=map|list]); at laptop
// width both show and the toggle is hidden. Whatever moves the map shows it first
// (mapView.onBeforeMove), so that no action moves a map that cannot be seen.
import {byTestId} from './dom.js';

const PHONE = '(max-width: 760px)';

export function createViewToggle({map}) {
  const buttons = {map: byTestId('view-map'), list: byTestId('view-list')};

  function show(view) {
    const was = document.body.dataset.view;
    document.body.dataset.view = view;
    for (const [name, button] of Object.entries(buttons)) button.setAttribute('aria-pressed', String(name === view));
    // A map shown again after display:none must learn its size before it is moved or drawn.
    if (view === 'map' && was !== 'map') map.resize();
  }

  buttons.map.addEventListener('click', () => show('map'));
  buttons.list.addEventListener('click', () => show('list'));
  show('map');

  return {
    /** Shows the map (on a phone; at laptop width it always shows). */
    showMap() {
      if (window.matchMedia(PHONE).matches) show('map');
    },
    showList() {
      if (window.matchMedia(PHONE).matches) show('list');
    },
  };
}
