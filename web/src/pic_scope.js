// The areas a PIC's token is scoped to. The API does not say them outright (there is no "who am
// I" endpoint), but it shows them: OGC target features carry precision "exact" only inside the
// scope, with the codes of their RT, RW, kelurahan, kecamatan and kota; and
// GET /api/v1/pledges?area=CODE answers 200 for an area inside the scope and 403 outside. So the
// largest area of an exact target that answers 200 is one of the token's areas; targets outside
// it lead to the next. An area without any target cannot be found this way.
import {ApiError} from './api_client.js';

const LEVELS = [
  ['kota', 'kota_code'],
  ['kecamatan', 'kecamatan_code'],
  ['kelurahan', 'kelurahan_code'],
  ['rw', 'rw_code'],
  ['rt', 'rt_code'],
];
const MAX_AREAS = 12;
const PAGE = 1000;

function exactTargets(api, query) {
  return api.get('ogc/collections/targets/items', {precision: 'exact', ...query});
}

async function inScope(api, code) {
  try {
    await api.get('api/v1/pledges', {area: code});
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return false;
    throw error;
  }
}

function codesOf(feature) {
  return LEVELS.map(([, key]) => feature.properties?.[key]).filter(Boolean);
}

async function largestInScope(api, feature) {
  for (const [level, key] of LEVELS) {
    const code = feature.properties?.[key];
    if (code && (await inScope(api, code))) return {level, code};
  }
  return null;
}

// The first exact target in none of `areas`, paging through them all (only for PICs of several
// areas; one page holds a kelurahan's).
async function nextOutside(api, areas) {
  const known = new Set(areas.map((a) => a.code));
  for (let offset = 0; ; offset += PAGE) {
    const page = await exactTargets(api, {limit: PAGE, offset});
    const outside = page.features.find((f) => !codesOf(f).some((c) => known.has(c)));
    if (outside) return outside;
    if (page.features.length < PAGE) return null;
  }
}

/** [{level, code}] of the caller's scope (empty when it shows no exact target). */
export async function discoverScope(api) {
  const first = await exactTargets(api, {limit: 1});
  const total = first.numberMatched ?? first.features.length;
  const areas = [];
  let covered = 0;
  let candidate = first.features[0] ?? null;
  while (candidate && areas.length < MAX_AREAS) {
    const area = await largestInScope(api, candidate);
    if (!area) break;
    areas.push(area);
    const counted = await exactTargets(api, {limit: 1, [`${area.level}_code`]: area.code});
    covered += counted.numberMatched ?? 0;
    if (covered >= total) break;
    candidate = await nextOutside(api, areas);
  }
  return areas;
}
