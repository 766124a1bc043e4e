/**
 * Four builds at once through the app's core, of four different Dockerfiles (one with two
 * stages in parallel, one writing to stderr): all finish, every event reaches windows in its
 * own build's batches, in order, with its own build's id and step ids, and every step's log is
 * complete and holds only its own lines — live and as read back from disk.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app-core';
import type { BuildEventBatch, BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import { leaks } from './helpers/second-engine';
import { useSecondEngine } from './helpers/second-engine-suite';

const suite = useSecondEngine('concurrent');

const count = (n: number, text: string, stream = '') => `i=1; while [ $i -le ${n} ]; do echo "${text} $i"${stream}; i=$((i+1)); done`;

/** Each build prints lines naming itself (and the step): lines from anywhere else are a crossing. */
const BUILDS: Record<string, { dockerfile: string; files?: Record<string, string>; lines: Record<number, { stream: 'stdout' | 'stderr'; text: string; n: number }> }> = {
  alpha: {
    dockerfile: `FROM local/busybox:latest\nRUN ${count(2000, 'alpha-run')}\nENV ALPHA=1\nRUN echo alpha > /alpha\n`,
    lines: { 2: { stream: 'stdout', text: 'alpha-run', n: 2000 } },
  },
  bravo: {
    dockerfile:
      `FROM local/busybox:latest AS one\nRUN ${count(1000, 'bravo-one')}\n` +
      `FROM local/busybox:latest AS two\nRUN ${count(1000, 'bravo-two', ' >&2')}\n` +
      'FROM local/busybox:latest\nCOPY --from=one /etc/hostname /one\nCOPY --from=two /etc/hostname /two\n',
    lines: { 2: { stream: 'stdout', text: 'bravo-one', n: 1000 }, 4: { stream: 'stderr', text: 'bravo-two', n: 1000 } },
  },
  charlie: {
    dockerfile: `FROM local/busybox:latest\nCOPY file.txt /file.txt\nRUN ${count(1500, 'charlie-run')}\n`,
    files: { 'file.txt': 'charlie\n' },
    lines: { 3: { stream: 'stdout', text: 'charlie-run', n: 1500 } },
  },
  delta: {
    dockerfile: `FROM local/busybox:latest\nWORKDIR /work\nRUN ${count(3000, 'delta-run')}; sleep 1\n`,
    lines: { 3: { stream: 'stdout', text: 'delta-run', n: 3000 } },
  },
};

describe('four builds at once from the app', () => {
  it('all finish, and events never cross between builds', async () => {
    const home = await suite.temp('slipway-concurrent-home-');
    const core = createCore(suite.engine.docker, home);
    const batches: BuildEventBatch[] = [];
    const status = new Map<string, BuildSummary['status']>();
    core.subscribe((channel, payload) => {
      if (channel === 'slipway:build:events') batches.push(payload as BuildEventBatch);
      if (channel === 'slipway:build:summary') status.set((payload as BuildSummary).buildId, (payload as BuildSummary).status);
    });
    try {
      const names = Object.keys(BUILDS);
      const contexts = await Promise.all(
        names.map(async (name) => {
          const context = await suite.temp(`slipway-concurrent-${name}-`);
          await writeFile(join(context, 'Dockerfile'), BUILDS[name]!.dockerfile);
          for (const [file, text] of Object.entries(BUILDS[name]!.files ?? {})) await writeFile(join(context, file), text);
          return context;
        }),
      );
      const started = await Promise.all(contexts.map((context) => core.builds.start({ context, dockerfile: 'Dockerfile', tags: [], buildArgs: {}, noCache: false })));
      const ids = started.map((s) => s.buildId);
      expect(new Set(ids).size).toBe(4);
      const deadline = Date.now() + 120_000;
      while (ids.some((id) => status.get(id) === 'running' || !status.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(ids.map((id) => status.get(id))).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);

      // The four builds ran at the same time: their step containers' lifetimes overlap.
      const live = new Map<string, BuildEvent[]>(ids.map((id) => [id, []]));
      for (const batch of batches) {
        const events = live.get(batch.buildId)!;
        // Each batch continues its own build's sequence, and carries only that build's events.
        expect(batch.from).toBe(events.length);
        for (const event of batch.events) expect(event.buildId).toBe(batch.buildId);
        events.push(...batch.events);
      }
      const firstStart = Math.max(...ids.map((id) => live.get(id)!.find((e) => e.type === 'step-container')!.time));
      const firstEnd = Math.min(...ids.map((id) => live.get(id)!.find((e) => e.type === 'build-finished')!.time));
      expect(firstStart).toBeLessThan(firstEnd);

      for (const [i, id] of ids.entries()) {
        const events = live.get(id)!;
        const spec = BUILDS[names[i]!]!;
        const graph = events.find((e) => e.type === 'build-started');
        expect(graph?.type).toBe('build-started');
        const steps = graph?.type === 'build-started' ? graph.graph.steps : [];
        const stepIds = new Set(steps.map((s) => s.id));
        for (const event of events) if ('stepId' in event) expect(stepIds.has(event.stepId)).toBe(true);
        // Every step's log: complete, in order, its own lines only.
        for (const step of steps) {
          const writes = events.filter((e): e is Extract<BuildEvent, { type: 'step-log' }> => e.type === 'step-log' && e.stepId === step.id);
          const expected = spec.lines[step.range.start];
          const text = writes.map((w) => w.text).join('');
          if (!expected) {
            expect([step.text, text]).toEqual([step.text, '']);
            continue;
          }
          expect(new Set(writes.map((w) => w.stream))).toEqual(new Set([expected.stream]));
          expect(text).toBe(Array.from({ length: expected.n }, (_, k) => `${expected.text} ${k + 1}\n`).join(''));
        }
        // What a window reads back from disk is the same stream.
        expect((await core.builds.events(id, 0)).events).toEqual(events);
      }
      expect(await leaks(suite.engine.docker, home)).toEqual([]);
    } finally {
      await core.shutdown();
    }
  });
});
