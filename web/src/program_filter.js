// The program filter ([data-testid=program]): "" for all programs or one of the six. The map's
// tiles and every API call that takes ?program= follow it. Its field (label and select) can be
// moved into a panel where it is part of the question (the planner's card) and back.
import {clearChildren, el} from './dom.js';
import {onChange as onLanguageChange, t} from './i18n.js';
import {PROGRAMS} from './programs.js';

export function createProgramFilter({select}) {
  const listeners = [];
  const field = select.closest('.program-field') ?? select;
  const home = field.parentNode;
  const homeNext = field.nextSibling;

  function fill() {
    const chosen = select.value;
    clearChildren(select);
    select.append(el('option', {value: ''}, t('program.all')));
    for (const p of PROGRAMS) select.append(el('option', {value: p}, t(`program.${p}`)));
    select.value = chosen;
  }

  select.addEventListener('change', () => {
    for (const listener of listeners) listener(select.value);
  });
  onLanguageChange(fill);
  fill();

  return {
    program: () => select.value,
    onChange(listener) {
      listeners.push(listener);
    },
    /** Moves the field into `container`, or back where the page has it (null). */
    placeIn(container) {
      if (container) container.append(field);
      else if (field.parentNode !== home) home.insertBefore(field, homeNext);
    },
  };
}
