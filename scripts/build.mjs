// Bundles the two front doors into dist/ with esbuild.
// The banner gives the ESM bundle a `require` for CommonJS dependencies (autocannon,
// hdr-histogram-js): without it Node fails with `Dynamic require of "fs" is not supported`.
import { build } from 'esbuild';
import { rm, chmod } from 'node:fs/promises';

const banner = "import { createRequire as __pgCreateRequire } from 'node:module'; const require = __pgCreateRequire(import.meta.url);";

// report.html inlines uPlot: regenerate its source module first (see scripts/gen-vendor.mjs).
await import('./gen-vendor.mjs');
await rm('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Minified to keep the committed bundle small; keepNames keeps class names in error output.
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Bundle output must be byte-identical across rebuilds: CI fails on a diff.
  metafile: false,
  sourcemap: false,
};
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', banner: { js: banner } });
await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node\n' + banner } });
await chmod('dist/cli.js', 0o755);

// The JSON Schemas of perfgate.yml and result.json come from the same zod schemas.
const genDir = 'node_modules/.cache/perfgate';
await build({ ...common, entryPoints: { 'gen-schemas': 'src/json-schemas.ts' }, outdir: genDir, banner: { js: banner } });
const { writeJsonSchemas } = await import(new URL(`../${genDir}/gen-schemas.js`, import.meta.url).href);
await writeJsonSchemas('schema');
