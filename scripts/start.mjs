#!/usr/bin/env node
// `npm start`: build the app and open it in Electron. Where Electron's binary is missing (an
// offline install with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or npm skipping install scripts), try
// to fetch it once, and otherwise say plainly what is missing and fall back to web mode: the
// same app served on 127.0.0.1 for a browser (`slipway serve`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const projectDir = fileURLToPath(new URL('..', import.meta.url));

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
      'Electron\'s binary is not installed, so Slipway opens in your browser instead (web mode).',
      `(Nothing at ${join(pkgDir, 'dist')}; it is downloaded from GitHub by \`node node_modules/electron/install.js\`,`,
      'which was skipped or could not reach the network. For the desktop window: on a machine with internet access,',
      'run `node node_modules/electron/install.js`, then `npm start` again.)',
    ].join('\n'),
  );
  process.exit(await serveInBrowser());
}

const result = spawnSync('npx', ['electron-vite', 'preview'], { stdio: 'inherit' });
process.exit(result.status ?? 1);

/** Builds the renderer and the CLI bundle, then runs `slipway serve` until it ends. */
async function serveInBrowser() {
  for (const [command, args] of [['npx', ['electron-vite', 'build']], [process.execPath, ['scripts/build-cli.mjs']]]) {
    const build = spawnSync(command, args, { cwd: projectDir, stdio: 'inherit' });
    if (build.status !== 0) return build.status ?? 1;
  }
  const server = spawn(process.execPath, ['bin/slipway.mjs', 'serve'], { cwd: projectDir, stdio: 'inherit' });
  // Ctrl-C reaches the server too (same process group); wait for its clean shutdown, and pass
  // on a SIGTERM sent to this script alone.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => server.kill('SIGTERM'));
  const [code] = await new Promise((resolve) => server.on('exit', (...result) => resolve(result)));
  return code ?? 1;
}
