// The legend: what the RW shades and the circles mean, and the data's attribution.
import {clearChildren, el} from './dom.js';
import {formatPercent, onChange, t} from './i18n.js';
import {COLORS} from './map_style.js';

export function createLegend({root}) {
  function swatch(color, shape = 'box') {
    return el('span', {class: `swatch swatch-${shape}`, style: `background:${color}`, 'aria-hidden': 'true'});
  }

  function render() {
    clearChildren(root);
    const stops = COLORS.ratioStops;
    const gradient = `linear-gradient(to right, ${stops.map(([r, c]) => `${c} ${r * 100}%`).join(', ')})`;
    root.append(
      el('h2', {}, t('legend.title')),
      el('p', {class: 'legend-caption'}, t('legend.ratio')),
      el('div', {class: 'ramp', style: `background:${gradient}`, 'aria-hidden': 'true'}),
      el('div', {class: 'ramp-labels'}, el('span', {}, formatPercent(0)), el('span', {}, formatPercent(0.5)),
        el('span', {}, formatPercent(1))),
      el('ul', {class: 'legend-items'},
        el('li', {}, swatch(COLORS.noTargets), t('legend.none')),
        el('li', {}, swatch(COLORS.kelurahanLine, 'line'), t('legend.kelurahan')),
        el('li', {}, swatch(COLORS.status.open, 'dot'), t('legend.open')),
        el('li', {}, swatch(COLORS.status.pledged, 'dot'), t('legend.pledged')),
        el('li', {}, swatch(COLORS.status.delivered, 'dot'), t('legend.delivered')),
        el('li', {}, swatch(COLORS.cluster, 'dot'), t('legend.cluster')),
        el('li', {}, swatch(COLORS.scope, 'line'), t('legend.scope'))),
      el('p', {class: 'attribution', dataset: {testid: 'attribution'}}, t('legend.attribution')),
    );
  }

  onChange(render);
  render();
}
