// Builds the explorer: bundles web/src/network.js (the network view with
// sigma and graphology, most of the code) into web/dist/assets/network-HASH.js,
// loaded on demand, and web/src/main.js (every other page) into one script
// that index.html holds inline, with app.css inline too: a cold load then
// waits for no file after the page itself before drawing (the server's CSP
// allows exactly these inline blocks by their SHA-256, which embed.mjs
// writes beside the assets). The two bundles share no module state: the
// network view's copy of api.js never holds the page's first answer.
// Then embeds web/dist/ into src/serve/assets_gen.c (embed.mjs). Run by
// `make web` after `npm ci`.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const assets = join(dist, 'assets');
rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const common = { bundle: true, minify: true, target: ['es2020'], legalComments: 'none', format: 'esm',
  logLevel: 'warning', metafile: true };
const net = await build({ ...common, entryPoints: [join(here, 'src', 'network.js')], outdir: assets,
  entryNames: 'network-[hash]' });
const netUrl = '/assets/' + basename(Object.keys(net.metafile.outputs).find((p) => p.endsWith('.js')));

// main.js's import('./network.js') becomes the hashed file's absolute URL
// (the page lives at /entity/ID and so on: a relative URL would not do)
const app = await build({
  ...common,
  entryPoints: [join(here, 'src', 'main.js')],
  write: false,
  outdir: assets,
  plugins: [{
    name: 'network-chunk',
    setup(b) { b.onResolve({ filter: /\/network\.js$/ }, () => ({ path: netUrl, external: true })); },
  }],
});
const js = app.outputFiles.find((f) => f.path.endsWith('.js')).text.trim();
const css = readFileSync(join(here, 'src', 'app.css'), 'utf8').trim();
// inside <script>/<style> nothing may close the element early
for (const [what, text, bad] of [['app script', js, /<\/script|<!--/i], ['app.css', css, /<\/style/i]]) {
  if (bad.test(text)) throw new Error(`build: the ${what} holds text that would end its inline element`);
}

let html = readFileSync(join(here, 'src', 'index.html'), 'utf8');
const swap = (from, to) => {
  if (!html.includes(from)) throw new Error(`build: index.html lacks ${from}`);
  html = html.replace(from, () => to);
};
swap('<link rel="stylesheet" href="/assets/app.css">', `<style>${css}</style>`);
swap('<script type="module" src="/assets/app.js"></script>', `<script type="module">${js}</script>`);
writeFileSync(join(dist, 'index.html'), html);
execFileSync(process.execPath, [join(here, 'embed.mjs')], { stdio: 'inherit' });
