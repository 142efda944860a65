// Builds web/dist from web/: the page, one ES module bundle (our code and MapLibre GL JS), one
// stylesheet, and MapLibre's own stylesheet and worker module (MapLibre 6 runs its worker as a
// separate module file, loaded from the same origin). Nothing in dist refers to another host.
import * as esbuild from 'esbuild';
import {copyFile, mkdir, rm} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const maplibre = path.join(here, 'node_modules', 'maplibre-gl', 'dist');

await rm(dist, {recursive: true, force: true});
await mkdir(dist, {recursive: true});
await esbuild.build({
  entryPoints: [path.join(here, 'src', 'main.js')],
  outfile: path.join(dist, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
// The service worker of the offline copy (offline_store.js): a classic script beside the page, so
// that its scope is the page's folder.
await esbuild.build({
  entryPoints: [path.join(here, 'src', 'service_worker.js')],
  outfile: path.join(dist, 'service_worker.js'),
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  minify: true,
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: [path.join(here, 'style.css')],
  outfile: path.join(dist, 'app.css'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(path.join(here, 'index.html'), path.join(dist, 'index.html'));
await copyFile(path.join(maplibre, 'maplibre-gl.css'), path.join(dist, 'maplibre-gl.css'));
await copyFile(path.join(maplibre, 'maplibre-gl-worker.mjs'), path.join(dist, 'maplibre-gl-worker.mjs'));
console.log(`build-web: wrote ${path.relative(process.cwd(), dist) || 'dist'}`);
