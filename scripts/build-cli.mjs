#!/usr/bin/env node
// Bundles the `slipway` command into one ES module (out/cli/slipway.mjs) so it starts without
// compiling TypeScript on every run. Runs after `npm install` (prepare) and before the tests.
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/cli/main.ts'],
  outfile: 'out/cli/slipway.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
