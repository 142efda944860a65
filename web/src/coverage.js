// An area's coverage as /api/v1/areas/{code} gives it (all programs and by_program), read for
// the program the page filters on, and said in one line.
import {formatNumber, formatPercent, t} from './i18n.js';

export function coverageFor(area, program) {
  const coverage = area?.coverage;
  if (!coverage) return null;
  return (program ? coverage.by_program?.[program] : coverage.all) ??
    {targets: 0, pledged: 0, delivered: 0, pledged_ratio: 0, delivered_ratio: 0, unserved: 0, unmet_priority: 0};
}

export function coverageLine(c) {
  if (!c || !c.targets) return t('coverage.empty');
  return t('coverage.line', {
    pledged: formatNumber(c.pledged),
    targets: formatNumber(c.targets),
    ratio: formatPercent(c.pledged_ratio),
    delivered: formatNumber(c.delivered),
  });
}
