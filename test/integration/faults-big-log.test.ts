/**
 * A step that prints 500 MB, built through the app's core (a subscriber that drops events,
 * like a window that keeps up): main's memory stays bounded (the output past a few MiB is
 * spilled to a file, log-spill.ts), the build finishes, the complete output is on disk, and
 * what went to windows (and the event log they read back) stays small.
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app-core';
import { DEFAULT_SPILL } from '../../electron/core/log-spill';
import type { BuildEventBatch, BuildSummary } from '../../shared/contract';
import { leaks } from './helpers/second-engine';
import { useSecondEngine } from './helpers/second-engine-suite';

const LINES = 5_000_000;
const WIDTH = 100;
/** `fold` breaks 500,000,000 x's into lines of 100; the last one has no newline. */
const OUTPUT_BYTES = LINES * WIDTH + (LINES - 1);
/** Main's resident memory may grow by this much over its level before the build. */
const RSS_BOUND = 300 * 1024 * 1024;

const suite = useSecondEngine('biglog');

/** Checks the file is exactly the step's output: lines of 100 x's, in one pass, never whole in memory. */
async function isFoldedOutput(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return position === OUTPUT_BYTES;
      for (let i = 0; i < bytesRead; i++) {
        const expected = (position + i + 1) % (WIDTH + 1) === 0 ? 0x0a : 0x78;
        if (buffer[i] !== expected) return false;
      }
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}

describe('a step printing 500 MB', () => {
  it('finishes with main under a memory bound, its complete log on disk, and little sent to windows', { timeout: 600_000 }, async () => {
    const context = await suite.temp('slipway-biglog-ctx-');
    const home = await suite.temp('slipway-biglog-home-');
    await writeFile(join(context, 'Dockerfile'), `FROM local/busybox:latest\nRUN head -c ${LINES * WIDTH} /dev/zero | tr "\\\\0" x | fold -w ${WIDTH}\n`);
    const core = createCore(suite.engine.docker, home);
    let sentText = 0;
    let events = 0;
    let lastText = '';
    let status: BuildSummary['status'] = 'running';
    core.subscribe((channel, payload) => {
      if (channel === 'slipway:build:summary') status = (payload as BuildSummary).status;
      if (channel !== 'slipway:build:events') return;
      for (const event of (payload as BuildEventBatch).events) {
        events++;
        if (event.type === 'step-log') {
          sentText += event.text.length;
          lastText = event.text;
        }
      }
    });

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const started = Date.now();
    try {
      const { buildId } = await core.builds.start({ context, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: true });
      while (status === 'running') await new Promise((r) => setTimeout(r, 100));
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `500 MB step: ${seconds.toFixed(1)} s; main's RSS ${(baseline / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB ` +
          `(+${((peak - baseline) / 2 ** 20).toFixed(0)} MiB); ${events} events, ${(sentText / 2 ** 20).toFixed(1)} MiB of log text sent to windows`,
      );
      expect(status).toBe('succeeded');
      expect(peak - baseline).toBeLessThan(RSS_BOUND);

      // The complete output is on disk, byte for byte.
      const stepLog = join(home, 'builds', `${buildId}.logs`, 'stage-0_2.log');
      expect((await stat(stepLog)).size).toBe(OUTPUT_BYTES);
      expect(await isFoldedOutput(stepLog)).toBe(true);

      // Windows got the head, a note naming the complete log, and the tail: a few MiB, not 500.
      const window = DEFAULT_SPILL.headBytes + DEFAULT_SPILL.tailBytes;
      expect(sentText).toBeLessThan(window + 2 ** 20);
      expect(lastText.endsWith(`${'x'.repeat(WIDTH)}\n${'x'.repeat(WIDTH)}`)).toBe(true);
      const logged = (await core.builds.events(buildId, 0)).events;
      expect(logged).toHaveLength(events);
      const note = logged.find((e) => e.type === 'step-log' && e.text.includes('the complete log'));
      expect(note?.type === 'step-log' && note.text).toContain(`the complete log (${LINES.toLocaleString('en-US')} lines) is ${stepLog}`);
      expect((await stat(join(home, 'builds', `${buildId}.jsonl`))).size).toBeLessThan(window + 4 * 2 ** 20);
      expect((await readFile(join(home, 'builds', `${buildId}.jsonl`), 'utf8')).includes('build-finished')).toBe(true);
      // --no-cache: the build's image is its output, named by no cache entry.
      const output = logged.find((e) => e.type === 'build-finished');
      expect(await leaks(suite.engine.docker, home, output?.type === 'build-finished' && output.imageId ? [output.imageId] : [])).toEqual([]);
    } finally {
      clearInterval(sampler);
      await core.shutdown();
    }
  });
});
