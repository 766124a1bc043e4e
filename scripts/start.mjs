#!/usr/bin/env node
// `npm start`: build the app and open it in Electron. Where Electron's binary is missing (an
// offline install with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or npm skipping install scripts), try
// to fetch it once, and otherwise say plainly what is missing and how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { pkgDir, binary: undefined };
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8'));
  return { pkgDir, binary: existsSync(binary) ? binary : undefined };
}

let { pkgDir, binary } = electronBinary();
if (!binary && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('Electron binary not installed; downloading it…');
  const download = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { encoding: 'utf8' });
  ({ binary } = electronBinary());
  const reason = `${download.stderr}`.split('\n').find((line) => /error/i.test(line));
  if (!binary && reason) console.error(`Download failed: ${reason.trim()}`);
}
if (!binary) {
  console.error(
    [
      'Slipway cannot open its window: Electron\'s binary is not installed',
      `(nothing at ${join(pkgDir, 'dist')}; it is downloaded from GitHub by \`node node_modules/electron/install.js\`,`,
      'which was skipped or could not reach the network).',
      'Fix: on a machine with internet access, run `node node_modules/electron/install.js`, then `npm start` again.',
      'Without Electron, the command-line builder works: `npx slipway --help`.',
    ].join('\n'),
  );
  process.exit(1);
}

const result = spawnSync('npx', ['electron-vite', 'preview'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
