#!/usr/bin/env node
// `npm test`: type-check, then every vitest project (unit, integration, e2e), then one plain
// summary line ("N passed, N failed") that any CI can read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

// The CLI bundle and the renderer must match the sources the tests exercise (the e2e tests
// drive the built renderer; their global setup skips its own build when told it is done).
if (run('node', ['scripts/build-cli.mjs']) !== 0) process.exit(1);
if (run('npx', ['electron-vite', 'build']) !== 0) process.exit(1);
process.env.SLIPWAY_RENDERER_BUILT = '1';

if (run('npx', ['tsc', '-b']) !== 0) {
  console.error('type-check failed');
  process.exit(1);
}

mkdirSync('test-results', { recursive: true });
const results = 'test-results/vitest.json';
const status = run('npx', [
  'vitest', 'run', ...process.argv.slice(2),
  '--reporter=default', '--reporter=json', `--outputFile.json=${results}`,
]);

try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
} catch {
  console.log('\nno test results were written');
}
process.exit(status);
