#!/usr/bin/env node
// The `slipway` command: runs the TypeScript CLI under plain Node (no Electron needed).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
