// Exports of the planner's ranking, built in the browser from the rows shown: CSV (RFC 4180)
// and GeoJSON (RFC 7946; RW shapes from the OGC API, /ogc/collections/rw/items/{code}).

export const EXPORT_COLUMNS = [
  'rank', 'code', 'name', 'kelurahan', 'kecamatan', 'kota', 'targets', 'pledged', 'delivered',
  'pledged_ratio', 'delivered_ratio', 'unserved', 'unmet_priority',
];

/** One flat record per ranked area: its numbers and the names of its parents. */
export function exportRecord(item) {
  const parent = (level) => item.parents?.find((p) => p.level === level)?.name ?? '';
  return {
    rank: item.rank, code: item.code, name: item.name,
    kelurahan: parent('kelurahan'), kecamatan: parent('kecamatan'), kota: parent('kota'),
    targets: item.targets, pledged: item.pledged, delivered: item.delivered,
    pledged_ratio: item.pledged_ratio, delivered_ratio: item.delivered_ratio,
    unserved: item.unserved, unmet_priority: item.unmet_priority,
  };
}

function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(items) {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const item of items) {
    const record = exportRecord(item);
    lines.push(EXPORT_COLUMNS.map((c) => csvField(record[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A FeatureCollection of the items with their shapes (`shapes`: code -> geometry or null). */
export function toGeoJson(items, shapes) {
  return {
    type: 'FeatureCollection',
    features: items.map((item) => ({
      type: 'Feature',
      id: item.code,
      geometry: shapes.get(item.code) ?? null,
      properties: exportRecord(item),
    })),
  };
}

/** Reads every RW's shape, a few at a time; `progress(done, total)` after each. */
export async function readShapes(api, codes, progress = () => {}) {
  const shapes = new Map();
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < codes.length) {
      const code = codes[next++];
      const feature = await api.get(`ogc/collections/rw/items/${encodeURIComponent(code)}`);
      shapes.set(code, feature.geometry ?? null);
      progress(++done, codes.length);
    }
  }
  await Promise.all(Array.from({length: Math.min(6, codes.length)}, worker));
  return shapes;
}

/** Saves `text` as a file named `name` through the browser's download. */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}
