// The legend: what the map shows to the signed-in role, and only that (anonymous callers see RW
// shades and counts per RW; collaborators and planners targets by ~100 m cell; a PIC exact
// points in their area, outlined, and cells elsewhere), with the data's attribution. Swatches repeat the map's
// colours and shapes (map_style.js); every line also says the shape in words.
import {clearChildren, el} from './dom.js';
import {formatPercent, onChange, t} from './i18n.js';
import {COLORS} from './map_style.js';

// The lines each role's map can show, top to bottom.
const ITEMS = {
  anonymous: ['none', 'kelurahan', 'rwcount'],
  giver: ['none', 'kelurahan', 'cluster', 'cell', 'cellcovered', 'nearest', 'chosen'],
  planner: ['none', 'kelurahan', 'selected', 'cluster', 'cell', 'cellcovered', 'open', 'pledged', 'delivered'],
  pic: ['none', 'kelurahan', 'scope', 'cluster', 'cell', 'cellcovered', 'exact', 'open', 'pledged', 'delivered'],
};

function group(role) {
  if (role === 'collaborator' || role === 'aggregator') return 'giver';
  if (role === 'planner' || role === 'admin') return 'planner';
  if (role === 'pic') return 'pic';
  return 'anonymous';
}

function swatch(kind) {
  const s = (shape, style) => el('span', {class: `swatch swatch-${shape}`, style, 'aria-hidden': 'true'});
  switch (kind) {
    case 'none': return s('box', `background:${COLORS.noTargets}`);
    case 'kelurahan': return s('line', `background:${COLORS.kelurahanLine}`);
    case 'scope': return s('line', `background:${COLORS.scope}`);
    case 'selected': return s('line', `background:${COLORS.selection}`);
    case 'rwcount': return s('dot', `background:${COLORS.status.open};opacity:0.45`);
    case 'cluster': return s('dot', `background:${COLORS.cluster};opacity:0.45`);
    case 'cell': return s('dot', `background:${COLORS.status.open};opacity:0.8`);
    case 'cellcovered': return s('dot', `background:${COLORS.status.pledged};opacity:0.35`);
    case 'open': return s('ring', `border-color:${COLORS.status.open}`);
    case 'pledged': return s('dot', `background:${COLORS.status.pledged}`);
    case 'delivered': return s('bullseye', `background-color:${COLORS.status.delivered}`);
    case 'exact': return s('ring', `border-color:${COLORS.scope}`);
    case 'nearest': return s('dot', `background:${COLORS.nearest};border-color:#000`);
    case 'chosen': return s('ring', 'border-color:#000;border-width:3px');
    default: return s('box', '');
  }
}

export function createLegend({root}) {
  let role = 'anonymous';

  function render() {
    clearChildren(root);
    const stops = COLORS.ratioStops;
    const gradient = `linear-gradient(to right, ${stops.map(([r, c]) => `${c} ${r * 100}%`).join(', ')})`;
    const kinds = ITEMS[group(role)];
    root.dataset.role = group(role);
    root.append(
      el('h2', {}, t('legend.title')),
      el('p', {class: 'legend-caption'}, t('legend.ratio')),
      el('div', {class: 'ramp', style: `background:${gradient}`, 'aria-hidden': 'true'}),
      el('div', {class: 'ramp-labels'}, el('span', {}, formatPercent(0)), el('span', {}, formatPercent(0.5)),
        el('span', {}, formatPercent(1))),
      el('ul', {class: 'legend-items'},
        kinds.map((kind) => el('li', {dataset: {legend: kind}}, swatch(kind), t(`legend.${kind}`)))),
      el('p', {class: 'attribution', dataset: {testid: 'attribution'}}, t('legend.attribution')),
    );
  }

  onChange(render);
  render();
  return {
    /** Shows the lines of what `role`'s map draws. */
    setRole(value) {
      role = value;
      render();
    },
  };
}
