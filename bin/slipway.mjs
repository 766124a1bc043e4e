#!/usr/bin/env node
// The `slipway` command under plain Node (no Electron needed): the bundle that `npm install`
// builds (scripts/build-cli.mjs), or the TypeScript sources through tsx when there is none.
import { existsSync } from 'node:fs';

const bundle = new URL('../out/cli/slipway.mjs', import.meta.url);
let main;
if (existsSync(bundle) && !process.env.SLIPWAY_FROM_SOURCE) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../electron/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
