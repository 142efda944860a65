// "Simpan untuk luar jaringan" on the PIC's panel: saves the offline copy (offline_store.js) of the
// page and of what the panel read for this PIC, shows when it was saved and until when it holds
// ("Tersimpan 7 Des 10.03, berlaku sampai 8 Des 10.03"), deletes an expired one or one made for
// another token when a PIC's page starts, and the copy on sign-out.
import {urlOf} from './api_client.js';
import {formatNumber, language, t} from './i18n.js';
import {TILE_LAYERS} from './map_style.js';
import {ASSETS, deleteCopy, isExpired, readMeta, saveCopy, scopeTiles, tokenHash} from './offline_store.js';

function shortDateTime(iso) {
  return new Intl.DateTimeFormat(language() === 'id' ? 'id-ID' : 'en-GB',
    {day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit'}).format(new Date(iso));
}

function formatBytes(bytes) {
  return bytes < 1e6
    ? `${formatNumber(Math.round(bytes / 1e3))} kB`
    : `${formatNumber(bytes / 1e6, {maximumFractionDigits: 1})} MB`;
}

/**
 * `scope()` gives what to keep: {areas: [{code, level, bbox}], dataUrls: [the API reads of the
 * work list]}, or null while it is still loading.
 */
export function createOfflineCopy({button, line, api, messages, getToken, sessionEnd, scope}) {
  const base = api.base;
  let active = false;
  let ticket = 0;

  async function render() {
    button.hidden = !active;
    const meta = active ? await readMeta(base).catch(() => null) : null;
    line.hidden = !meta;
    if (!meta) {
      delete line.dataset.bytes;
      return;
    }
    Object.assign(line.dataset, {
      bytes: String(meta.bytes), bytesByKind: JSON.stringify(meta.bytes_by_kind ?? {}), files: String(meta.files),
      tiles: String(meta.tiles), savedAt: meta.saved_at, expiresAt: meta.expires_at,
    });
    line.textContent = t('offline.saved', {
      saved: shortDateTime(meta.saved_at), until: shortDateTime(meta.expires_at),
      size: formatBytes(meta.bytes), files: formatNumber(meta.files),
    });
  }

  // The page's files, then, with the token: the session, the areas, their data and tiles.
  function requests({areas, dataUrls}) {
    const page = ASSETS.map((name) => ({url: new URL(name, base).href, auth: false}));
    const own = [urlOf(base, 'api/v1/me').href, urlOf(base, `tiles/${TILE_LAYERS}.json`).href,
      ...areas.map((a) => urlOf(base, `api/v1/areas/${encodeURIComponent(a.code)}`).href),
      ...areas.filter((a) => a.level === 'rt').map((a) => urlOf(base, `ogc/collections/rt/items/${a.code}`).href),
      ...dataUrls];
    const tiles = scopeTiles(areas.map((a) => a.bbox).filter(Boolean));
    if (!tiles) throw new Error(t('offline.toolarge'));
    const tileUrls = tiles.map((zxy) => `${base}tiles/${TILE_LAYERS}/${zxy}.mvt`);
    return {list: [...page, ...[...own, ...tileUrls].map((url) => ({url, auth: true}))], tiles: tiles.length};
  }

  async function save() {
    button.disabled = true;
    const mine = ticket;
    try {
      const what = scope();
      if (!what?.areas.length) throw new Error(t('pic.finding'));
      const {list, tiles} = requests(what);
      await saveCopy({
        base, token: getToken(), requests: list, areas: what.areas, tiles, sessionExpiresAt: sessionEnd(),
        onProgress: (done, total) => messages.info(t('offline.saving', {done, total}), {topic: 'offline'}),
      });
      if (mine === ticket) messages.success(t('offline.done'), {topic: 'offline'});
    } catch (error) {
      messages.error(error, {topic: 'offline', retry: save});
    } finally {
      button.disabled = false;
      render();
    }
  }

  button.addEventListener('click', save);

  return {
    render,
    /** On for a PIC: a copy that expired, or was made for another token, is deleted. */
    async setActive(on) {
      active = on;
      ticket++;
      if (on) {
        const meta = await readMeta(base).catch(() => null);
        if (meta && (isExpired(meta) || meta.token_hash !== (await tokenHash(getToken())))) await deleteCopy(base);
      }
      await render();
    },
    async forget() {
      await deleteCopy(base).catch(() => {});
      await render();
    },
  };
}
