// Builds the explorer: bundles web/src/main.js with esbuild into
// web/dist/assets/app-HASH.js (and the chunks it imports, statically or on
// demand), copies app.css as app-HASH.css, and writes index.html naming them, with a
// modulepreload for each chunk the bundle imports statically (so the
// browser fetches it beside app.js instead of after parsing app.js). Every
// asset but index.html has its content hash in its name, so the server can
// let browsers keep them for good. Then embeds web/dist/ into
// src/serve/assets_gen.c (embed.mjs). Run by `make web` after `npm ci`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const assets = join(dist, 'assets');
rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const common = { bundle: true, minify: true, target: ['es2020'], legalComments: 'none', outdir: assets,
  logLevel: 'warning', metafile: true };
const app = await build({
  ...common,
  entryPoints: [join(here, 'src', 'main.js')],
  // ES modules split in chunks: the network view (sigma, graphology) is
  // imported on demand, so the other pages parse a fraction of the code
  format: 'esm',
  splitting: true,
  entryNames: 'app-[hash]',
  chunkNames: 'chunk-[hash]',
});

const url = (p) => '/assets/' + basename(p);
const entry = (m) => Object.entries(m.metafile.outputs).find(([, o]) => o.entryPoint)[0];
const appJs = entry(app);
const preload = app.metafile.outputs[appJs].imports
  .filter((i) => i.kind === 'import-statement').map((i) => url(i.path));
const css = readFileSync(join(here, 'src', 'app.css'));
const cssName = `app-${createHash('sha256').update(css).digest('hex').slice(0, 8).toUpperCase()}.css`;
copyFileSync(join(here, 'src', 'app.css'), join(assets, cssName));

let html = readFileSync(join(here, 'src', 'index.html'), 'utf8');
const swap = (from, to) => {
  if (!html.includes(from)) throw new Error(`build: index.html lacks ${from}`);
  html = html.replace(from, to);
};
swap('<link rel="stylesheet" href="/assets/app.css">', `<link rel="stylesheet" href="/assets/${cssName}">`);
swap('<script type="module" src="/assets/app.js"></script>',
  preload.map((p) => `<link rel="modulepreload" href="${p}">\n`).join('') +
  `<script type="module" src="${url(appJs)}"></script>`);
writeFileSync(join(dist, 'index.html'), html);
execFileSync(process.execPath, [join(here, 'embed.mjs')], { stdio: 'inherit' });
