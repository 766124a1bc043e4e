#!/usr/bin/env node
// `npm run fuzz [-- RUNS [SEED]]`: the fuzz test (test/unit/fuzz.test.ts) at full size: RUNS
// generated Dockerfiles (each as text and again as bytes) and RUNS words, 100 000 by default,
// with a fresh seed unless one is given. CI runs the same test with a fixed seed and fewer runs.
import { spawnSync } from 'node:child_process';

const runs = process.argv[2] ?? process.env.FUZZ_RUNS ?? '100000';
const seed = process.argv[3] ?? process.env.FUZZ_SEED ?? String(Date.now() % 2 ** 31);
if (!/^\d+$/.test(runs) || !/^\d+$/.test(seed)) {
  console.error('usage: npm run fuzz -- [RUNS [SEED]]');
  process.exit(2);
}

console.log(`fuzz: ${runs} Dockerfiles (as text and as bytes) and ${runs} words, seed ${seed}`);
const start = Date.now();
const status =
  spawnSync('npx', ['vitest', 'run', '--project', 'unit', 'test/unit/fuzz.test.ts'], {
    stdio: 'inherit',
    env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
  }).status ?? 1;
const seconds = ((Date.now() - start) / 1000).toFixed(0);
console.log(`fuzz: ${status === 0 ? 'passed' : 'FAILED'} after ${seconds} s; replay with: npm run fuzz -- ${runs} ${seed}`);
process.exit(status);
