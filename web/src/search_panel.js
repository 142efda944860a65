// Search by name ([data-testid=search]): GET /api/v1/areas?q= as the user types; each result
// ([data-testid=search-result], data-code) zooms the map to its area when chosen.
import {clearChildren, el} from './dom.js';
import {onChange, t} from './i18n.js';

const DELAY_MS = 200;

export function createSearchPanel({input, results, api, mapView, messages, onChoose}) {
  let timer = null;
  let asked = 0;
  let found = [];
  let query = '';

  function choose(area) {
    mapView.fitBbox(area.bbox, area.level === 'rt' ? 17 : 16);
    onChoose(area);
    // Chosen: the list closes (the name stays in the box), so the panel below comes into view.
    found = [];
    query = '';
    render();
  }

  function label(area) {
    const parents = (area.parents ?? []).filter((p) => p.level === 'kecamatan' || p.level === 'kota')
      .map((p) => p.name).reverse().join(', ');
    return [el('span', {class: 'result-name'}, area.name),
      el('span', {class: 'result-meta'}, `${t(`level.${area.level}`)}${parents ? ' · ' + parents : ''}`)];
  }

  function render() {
    clearChildren(results);
    if (query && found.length === 0) {
      results.append(el('li', {class: 'hint'}, t('search.none', {q: query})));
      return;
    }
    for (const area of found) {
      results.append(el('li', {},
        el('button', {type: 'button', class: 'search-result', dataset: {testid: 'search-result', code: area.code, level: area.level},
          onclick: () => choose(area)}, label(area))));
    }
  }

  async function search(text) {
    const ticket = ++asked;
    if (!text) {
      query = '';
      found = [];
      render();
      return;
    }
    try {
      const answer = await api.get('api/v1/areas', {q: text, limit: 10});
      if (ticket !== asked) return;
      query = text;
      found = answer.areas ?? [];
      render();
    } catch (error) {
      if (ticket === asked) messages.error(error, {topic: 'search', retry: () => search(text)});
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value.trim()), DELAY_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      clearTimeout(timer);
      if (found.length && query === input.value.trim()) choose(found[0]);
      else search(input.value.trim()).then(() => found.length && choose(found[0]));
    }
  });
  onChange(render);
  return {};
}
