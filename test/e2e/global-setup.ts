import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import engineSetup from '../integration/engine-setup';

const root = resolve(import.meta.dirname, '../..');

/**
 * End-to-end tests drive the built renderer in Chromium against a real engine: the engine and
 * its test image must be there (as for integration tests), and the renderer must be built from
 * the current sources (`npm test` builds it first and says so with SLIPWAY_RENDERER_BUILT).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const teardown = await engineSetup();
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('End-to-end tests need Chromium at /usr/bin/chromium (Debian: `apt-get install chromium`).');
  }
  if (process.env.SLIPWAY_RENDERER_BUILT !== '1') {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  }
  return teardown;
}
