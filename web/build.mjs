// Builds the explorer: bundles web/src/main.js with esbuild into
// web/dist/assets/app.js (and the chunks it imports on demand), copies index.html and app.css, then embeds web/dist/
// into src/serve/assets_gen.c (embed.mjs). Run by `make web` after `npm ci`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });

await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  // ES modules split in chunks: the network view (sigma, graphology) is
  // imported on demand, so the other pages parse a fraction of the code
  format: 'esm',
  splitting: true,
  target: ['es2020'],
  legalComments: 'none',
  outdir: join(dist, 'assets'),
  entryNames: 'app',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src', 'index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src', 'app.css'), join(dist, 'assets', 'app.css'));
execFileSync(process.execPath, [join(here, 'embed.mjs')], { stdio: 'inherit' });
