// esbuild options of the committed bundles, shared by scripts/build.mjs and the test that runs
// a fresh bundle of the action as the runner starts it (test/publish/action.test.ts).
// The banner gives the ESM bundle a `require` for CommonJS dependencies (autocannon,
// hdr-histogram-js): without it Node fails with `Dynamic require of "fs" is not supported`.
export const banner =
  "import { createRequire as __pgCreateRequire } from 'node:module'; const require = __pgCreateRequire(import.meta.url);";

export const common = {
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
