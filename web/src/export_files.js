// Exports of the planner's ranking, built in the browser from every row of the ranking (read
// page by page): CSV (RFC 4180, for spreadsheets in the page's locale) and GeoJSON (RFC 7946;
// RW shapes from the OGC API's /ogc/collections/rw/items, a page of 1,000 at a time).

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

/**
 * How a CSV is written for a spreadsheet in the page's language. Spreadsheets split a CSV by the
 * list separator of the user's locale and read numbers by its decimal mark: an Indonesian locale
 * (Excel, LibreOffice, Google Sheets set to Indonesia) uses `;` and a decimal comma, an English
 * one `,` and a dot. Both files start with a UTF-8 byte-order mark, so that Excel reads names
 * with accents as UTF-8 (no `sep=` line: Excel then ignores the mark).
 */
export function csvFormatFor(lang) {
  return lang === 'id' ? {separator: ';', decimal: ','} : {separator: ',', decimal: '.'};
}

const BOM = '\uFEFF';

function csvField(value, {separator, decimal}) {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value).replace('.', decimal) : String(value);
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 text with a BOM, in `format` (csvFormatFor); numbers without thousands marks. */
export function toCsv(items, format = csvFormatFor('en')) {
  const lines = [EXPORT_COLUMNS.join(format.separator)];
  for (const item of items) {
    const record = exportRecord(item);
    lines.push(EXPORT_COLUMNS.map((c) => csvField(record[c], format)).join(format.separator));
  }
  return BOM + lines.join('\r\n') + '\r\n';
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

/**
 * Every RW shape within `within` (a kota or kecamatan code, or '' for all) from the OGC API's
 * items, a page at a time: code -> geometry. `progress(done, total)` after each page.
 */
export async function readAllShapes(api, within, progress = () => {}) {
  const shapes = new Map();
  const filter = !within ? {} : within.length <= 4 ? {kota_code: within} : within.length <= 7 ? {kecamatan_code: within}
    : {kelurahan_code: within};
  for (let offset = 0; ; offset += 1000) {
    const page = await api.get('ogc/collections/rw/items', {...filter, limit: 1000, offset});
    for (const feature of page.features ?? []) shapes.set(String(feature.properties?.code ?? feature.id), feature.geometry ?? null);
    progress(shapes.size, page.numberMatched ?? shapes.size);
    if (!page.features?.length || shapes.size >= (page.numberMatched ?? 0)) return shapes;
  }
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
