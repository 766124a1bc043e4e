#!/usr/bin/env node
// `npm run bench`: Slipway against the engine's classic builder and BuildKit, on the same engine,
// in one run. Prints median wall times and Slipway's ratios, and Slipway's peak RSS (with GNU time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const cli = resolve(import.meta.dirname, '../bin/slipway.mjs');
const home = mkdtempSync(join(tmpdir(), 'slipway-bench-home-'));
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function scenario(name, files, setup) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  setup?.(dir);
  return { name, dir };
}

const twentySteps = ['FROM local/busybox:latest'];
for (let i = 0; i < 19; i++) {
  twentySteps.push(i % 3 === 0 ? `RUN echo step ${i} > /s${i}` : i % 3 === 1 ? `ENV S${i}=${i}` : `COPY f${i % 4}.txt /f/`);
}
const scenarios = [
  scenario('20-steps', { Dockerfile: twentySteps.join('\n'), 'f0.txt': 'a', 'f1.txt': 'b', 'f2.txt': 'c', 'f3.txt': 'd' }),
  scenario('3-parallel-stages', {
    Dockerfile: ['a', 'b', 'c'].flatMap((s) => [`FROM local/busybox:latest AS ${s}`, `RUN sleep 1 && echo ${s} > /${s}`, `RUN echo more > /${s}2`])
      .concat(['FROM local/busybox:latest', 'COPY --from=a /a /a', 'COPY --from=b /b /b', 'COPY --from=c /c /c']).join('\n'),
  }),
  scenario('small-copy-300MiB-context', { Dockerfile: 'FROM local/busybox:latest\nCOPY small.txt /small.txt\n', 'small.txt': 'small' }, (dir) => {
    const fd = openSync(join(dir, 'big.bin'), 'w');
    ftruncateSync(fd, 300 * 1024 * 1024);
    closeSync(fd);
  }),
  scenario('copy-5000-files', { Dockerfile: 'FROM local/busybox:latest\nCOPY files /files\n' }, (dir) => {
    for (let d = 0; d < 50; d++) {
      mkdirSync(join(dir, 'files', `d${d}`), { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(dir, 'files', `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
    }
  }),
];

const tools = {
  slipway: (dir, cold) => ['node', [cli, 'build', '-q', ...(cold ? ['--no-cache'] : []), dir], { SLIPWAY_HOME: home }],
  classic: (dir, cold) => ['/usr/bin/docker', ['build', '-q', ...(cold ? ['--no-cache'] : []), dir], { DOCKER_BUILDKIT: '0' }],
  buildkit: (dir, cold) => ['/usr/bin/docker', ['build', '-q', ...(cold ? ['--no-cache'] : []), dir], { DOCKER_BUILDKIT: '1' }],
};

function time(tool, dir, cold) {
  const [cmd, args, env] = tools[tool](dir, cold);
  const measured = tool === 'slipway' && gnuTime ? [gnuTime, ['-f', 'RSS_KB=%M', cmd, ...args]] : [cmd, args];
  const start = performance.now();
  const r = spawnSync(measured[0], measured[1], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${tool} failed on ${dir}: ${r.stderr}`);
  const rss = /RSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1];
  return { ms, rssMb: rss ? Number(rss) / 1024 : undefined };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`runs per figure: ${RUNS} (median wall seconds)\n`);
console.log(['scenario', 'mode', 'slipway', 'classic', 'buildkit', 'vs classic', 'vs buildkit', 'slipway peak RSS'].join('\t'));
for (const s of scenarios) {
  for (const cold of [true, false]) {
    const figures = {};
    let rss = 0;
    for (const tool of Object.keys(tools)) {
      if (!cold) time(tool, s.dir, false); // warm the cache once
      const runs = Array.from({ length: RUNS }, () => time(tool, s.dir, cold));
      figures[tool] = median(runs.map((r) => r.ms)) / 1000;
      if (tool === 'slipway') rss = Math.max(...runs.map((r) => r.rssMb ?? 0));
    }
    console.log([
      s.name, cold ? 'cold' : 'cached', figures.slipway.toFixed(2), figures.classic.toFixed(2), figures.buildkit.toFixed(2),
      (figures.slipway / figures.classic).toFixed(2), (figures.slipway / figures.buildkit).toFixed(2), rss ? `${rss.toFixed(0)} MB` : 'n/a (no /usr/bin/time)',
    ].join('\t'));
  }
}
