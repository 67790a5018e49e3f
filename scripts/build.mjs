// Bundles the two front doors into dist/ with esbuild (options in ./bundle-options.mjs).
import { build } from 'esbuild';
import { rm, chmod } from 'node:fs/promises';
import { banner, common } from './bundle-options.mjs';

// report.html inlines uPlot: regenerate its source module first (see scripts/gen-vendor.mjs).
await import('./gen-vendor.mjs');
await rm('dist', { recursive: true, force: true });
await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist', banner: { js: banner } });
await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  banner: { js: '#!/usr/bin/env node\n' + banner },
});
await chmod('dist/cli.js', 0o755);

// The JSON Schemas of perfgate.yml and result.json come from the same zod schemas.
const genDir = 'node_modules/.cache/perfgate';
await build({
  ...common,
  entryPoints: { 'gen-schemas': 'src/model/json-schemas.ts' },
  outdir: genDir,
  banner: { js: banner },
});
const { writeJsonSchemas } = await import(new URL(`../${genDir}/gen-schemas.js`, import.meta.url).href);
await writeJsonSchemas('schema');
