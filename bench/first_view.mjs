// The measuring half of bench/first_view.sh (which serves the page and sets the environment):
// RUNS fresh Chromium profiles, each opening SASARAN_BASE_URL/ twice, cold (empty profile) then
// warm (a second visit, the HTTP cache filled by the first). Each time is navigation start to
// body[data-ready=true], read from the page's own mark sasaran:ready (main.js sets both at
// once), so neither Chromium's start nor playwright's polling counts. Prints median and p90
// with the load average before and after each series, and the requests of the first cold load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {chromium} = require(process.env.PLAYWRIGHT_CORE);

// "label=http://127.0.0.1:PORT ...": one server per page folder; the runs alternate.
const pages = process.env.SASARAN_PAGES.split(' ').map((p) => {
  const at = p.lastIndexOf('=');
  return {label: p.slice(0, at), base: p.slice(at + 1)};
});
const runs = Number(process.env.RUNS || 10);
const [width, height] = (process.env.VIEWPORT || '1366x768').split('x').map(Number);
// As tests/browser/support.mjs: what this machine's notes ask for (root, no GPU, no network).
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

// CPU time (ms) of the Chromium launched with `userData` and every process under it (renderer,
// GPU process with its software GL, network service), from /proc: what the first view costs
// the machine, which the load of other work does not change the way it changes wall time.
const ticks = 100;  // USER_HZ on Linux
function cpuOf(userData) {
  const stat = {};
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stat[pid] = {ppid: rest[1], cpu: Number(rest[11]) + Number(rest[12])};
    } catch { /* ended meanwhile */ }
  }
  const roots = Object.keys(stat).filter((pid) => {
    try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(userData); } catch { return false; }
  });
  const seen = new Set(roots);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, {ppid}] of Object.entries(stat)) {
      if (!seen.has(pid) && seen.has(ppid)) { seen.add(pid); grew = true; }
    }
  }
  let sum = 0;
  for (const pid of seen) sum += stat[pid].cpu;
  return sum * 1000 / ticks;
}

const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function visit(base, context, record, userData) {
  const page = await context.newPage();
  const requests = [];
  if (record) {
    page.on('requestfinished', async (request) => {
      if (!request.url().startsWith('http')) return;
      const timing = request.timing();
      const sizes = await request.sizes().catch(() => null);
      const response = await request.response().catch(() => null);
      requests.push({url: request.url(), start: timing.startTime, end: timing.responseEnd,
                     status: response?.status() ?? 0, bytes: sizes?.responseBodySize ?? -1,
                     encoding: response ? (await response.allHeaders())['content-encoding'] ?? '' : ''});
    });
  }
  // The page's first screenshot sets up the capture: done here, on the blank page, not below.
  await page.screenshot({type: 'jpeg', quality: 20});
  const cpuBefore = cpuOf(userData);
  await page.goto(`${base}/`, {waitUntil: 'domcontentloaded'});
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null,
                             {polling: 'raf', timeout: 60000});
  const cpu = cpuOf(userData) - cpuBefore;
  // data-ready is set when MapLibre has issued the first view's last frame, not when its pixels
  // are on the screen: without a GPU, Chromium's software GL may still be drawing it. A
  // screenshot waits for a composited frame: when it returns, the map is visible. Its own
  // cost is the second screenshot's time, taken at once after it.
  await page.screenshot({type: 'jpeg', quality: 20});
  const shown = Date.now();
  const again = Date.now();
  await page.screenshot({type: 'jpeg', quality: 20});
  const screenshotMs = Date.now() - again;
  const result = await page.evaluate(() => ({
    origin: performance.timeOrigin,
    marks: Object.fromEntries(performance.getEntriesByType('mark')
      .map((m) => [m.name.replace('sasaran:', ''), Math.round(m.startTime)])),
    nav: performance.getEntriesByType('navigation')[0]?.toJSON() ?? null,
  }));
  // Settled: the warm visit after it finds everything the first view used in the cache.
  await page.evaluate(() => new Promise((resolve) => {
    window.sasaranMap.once('idle', resolve);
    window.sasaranMap.triggerRepaint();
  }));
  await new Promise((r) => setTimeout(r, 300));
  await page.close();
  return {ms: result.marks.ready, shown: Math.round(shown - result.origin), screenshotMs, cpu,
          marks: result.marks, origin: result.origin, requests};
}

async function profile(base, record) {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'sasaran-first-view-'));
  const context = await chromium.launchPersistentContext(userData, {
    executablePath: process.env.SASARAN_CHROMIUM || '/usr/bin/chromium',
    headless: true, args, viewport: {width, height}, locale: 'id-ID', timezoneId: 'Asia/Jakarta',
  });
  try {
    const cold = await visit(base, context, record, userData);
    const warm = await visit(base, context, false, userData);
    return {cold, warm};
  } finally {
    await context.close();
    fs.rmSync(userData, {recursive: true, force: true});
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
function summary(name, values, loadBefore, loadAfter) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  console.log(`${name}: median ${Math.round(median)} ms, p90 ${quantile(sorted, 0.9)} ms, ` +
              `min ${sorted[0]}, max ${sorted.at(-1)} (n=${sorted.length}; load ${loadBefore} -> ${loadAfter}); ` +
              `all: ${values.join(' ')}`);
}

// One visit per page first, not counted: the server's tile cache holds the first view's tiles,
// as it does on a server that has run a while.
for (const p of pages) await profile(p.base, false);
const loadBefore = load();
for (const p of pages) Object.assign(p, {cold: [], warm: [], coldShown: [], shot: [], coldCpu: [], warmCpu: [], marks: [], first: null});
for (let i = 0; i < runs; i++) {
  for (const p of pages) {
    const r = await profile(p.base, i === 0);
    if (i === 0) p.first = r.cold;
    p.cold.push(r.cold.ms);
    p.warm.push(r.warm.ms);
    p.coldCpu.push(r.cold.cpu);
    p.coldShown.push(r.cold.shown);
    p.shot.push(r.cold.screenshotMs);
    p.warmCpu.push(r.warm.cpu);
    p.marks.push(r.cold.marks);
  }
}
const loadAfter = load();
console.log(`first view, ${width}x${height}, ${runs} fresh profiles per page, navigation start to body[data-ready]`);
for (const p of pages) {
  console.log(`\n== ${p.label}`);
  summary('cold (empty profile)', p.cold, loadBefore, loadAfter);
  summary('warm (second visit)', p.warm, loadBefore, loadAfter);
  summary('cold, shown (a screenshot at data-ready returned)', p.coldShown, loadBefore, loadAfter);
  summary('  a screenshot\'s own time (the second one)', p.shot, loadBefore, loadAfter);
  summary('cold, CPU ms of Chromium (all its processes, navigation to data-ready)', p.coldCpu, loadBefore, loadAfter);
  summary('warm, CPU ms of Chromium', p.warmCpu, loadBefore, loadAfter);
  const med = (k) => {
    const v = p.marks.map((m) => m[k]).filter((x) => x !== undefined).sort((a, b) => a - b);
    return v.length ? v[Math.floor(v.length / 2)] : '-';
  };
  console.log(`cold marks (median ms): ${Object.keys(p.marks[0]).map((k) => `${k} ${med(k)}`).join(', ')}`);
  const first = p.first;
  console.log(`requests of the first measured cold load (ms from navigation start; bytes of the body on the wire):`);
  const rows = first.requests.map((q) => ({...q, s: q.start - first.origin, e: q.start - first.origin + q.end}))
    .sort((a, b) => a.s - b.s);
  let total = 0;
  for (const q of rows) {
    total += Math.max(q.bytes, 0);
    const u = new URL(q.url);
    console.log(`  ${String(Math.round(q.s)).padStart(5)} -> ${String(Math.round(q.e)).padStart(5)}  ` +
                `${String(q.status).padStart(3)} ${String(q.bytes).padStart(8)} ${(q.encoding || '').padEnd(4)} ` +
                `${u.pathname}${u.search}`);
  }
  console.log(`  ${rows.length} requests, ${total} bytes; data-ready at ${first.ms} ms ` +
              `(marks ${JSON.stringify(first.marks)})`);
}
