/**
 * The renderer's store: the pure reducer over build events, batch sequencing (duplicates and
 * gaps), and the bounded per-step log. These modules belong to the DOM-typed project
 * (tsconfig.web.json), so they are loaded by URL and typed here by hand (as web-bridge does).
 */
import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph } from '../../shared/graph';
import type { BuildEventBatch } from '../../shared/contract';

interface LogLine { stream: 'stdout' | 'stderr'; text: string }
interface LogBuffer { length: number; dropped: number; limit: number; partial: Record<'stdout' | 'stderr', string>; chunks: LogLine[][] }
interface StepView { status: string; containerId?: string; imageId?: string; error?: { exitCode?: number }; cache?: { hit: boolean } }
interface BuildView {
  buildId: string;
  seq: number;
  status: string;
  graph?: BuildGraph;
  steps: Record<string, StepView>;
  logs: Record<string, LogBuffer>;
  messages: { text: string }[];
  imageId?: string;
}
interface Reducer {
  emptyBuild(id: string): BuildView;
  reduceEvents(build: BuildView, events: BuildEvent[], options?: { logLimit?: number }): BuildView;
  judgeBatch(seq: number, from: number, count: number): { kind: string; skip?: number; from?: number };
}
interface Logs {
  CHUNK: number;
  MAX_LINE: number;
  emptyLog(limit?: number): LogBuffer;
  appendLog(log: LogBuffer, writes: { stream: 'stdout' | 'stderr'; text: string }[]): LogBuffer;
  lineCount(log: LogBuffer): number;
  lineAt(log: LogBuffer, i: number): LogLine | undefined;
}
interface Builds {
  acceptBatch(builds: Record<string, BuildView>, batch: BuildEventBatch): { builds: Record<string, BuildView>; gapFrom?: number };
}

const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ new URL(path, import.meta.url).href)) as T;
const { emptyBuild, reduceEvents, judgeBatch } = await load<Reducer>('../../renderer/src/store/reducer.ts');
const { CHUNK, MAX_LINE, emptyLog, appendLog, lineCount, lineAt } = await load<Logs>('../../renderer/src/store/logs.ts');
const { acceptBatch } = await load<Builds>('../../renderer/src/store/builds.ts');

const B = 'b1';
const graph: BuildGraph = {
  stages: [{ index: 0, key: 'stage-0', base: { kind: 'scratch' }, range: { start: 1, end: 1 }, stepIds: ['stage-0:1', 'stage-0:2', 'stage-0:3'] }],
  steps: [
    { id: 'stage-0:1', stage: 0, position: 1, kind: 'FROM', name: '[1/3] FROM scratch', text: 'FROM scratch', range: { start: 1, end: 1 }, dependsOn: [] },
    { id: 'stage-0:2', stage: 0, position: 2, kind: 'RUN', name: '[2/3] RUN x', text: 'RUN x', range: { start: 2, end: 2 }, dependsOn: ['stage-0:1'] },
    { id: 'stage-0:3', stage: 0, position: 3, kind: 'RUN', name: '[3/3] RUN y', text: 'RUN y', range: { start: 3, end: 3 }, dependsOn: ['stage-0:2'] },
  ],
  edges: [],
  target: 0,
  targets: [],
  buildArgs: [],
};
let time = 1000;
const ev = (e: Record<string, unknown>): BuildEvent => ({ buildId: B, time: time++, ...e }) as BuildEvent;
const started = ev({ type: 'build-started', graph, dockerfile: '/x/Dockerfile', context: '/x', tags: [] });
const run: BuildEvent[] = [
  started,
  ev({ type: 'step-queued', stepId: 'stage-0:1' }),
  ev({ type: 'step-queued', stepId: 'stage-0:2' }),
  ev({ type: 'step-queued', stepId: 'stage-0:3' }),
  ev({ type: 'step-started', stepId: 'stage-0:1' }),
  ev({ type: 'step-done', stepId: 'stage-0:1', imageId: '', cached: true, size: 0, durationMs: 1 }),
  ev({ type: 'step-started', stepId: 'stage-0:2' }),
  ev({ type: 'step-cache', stepId: 'stage-0:2', decision: { hit: false, reason: 'no earlier build' } }),
  ev({ type: 'step-container', stepId: 'stage-0:2', containerId: 'c1' }),
  ev({ type: 'step-log', stepId: 'stage-0:2', stream: 'stdout', text: 'hello\nwor' }),
  ev({ type: 'step-log', stepId: 'stage-0:2', stream: 'stderr', text: 'oops\n' }),
  ev({ type: 'step-log', stepId: 'stage-0:2', stream: 'stdout', text: 'ld\n' }),
  ev({ type: 'step-failed', stepId: 'stage-0:2', error: { message: 'exit 2', exitCode: 2 }, durationMs: 5 }),
  ev({ type: 'step-cancelled', stepId: 'stage-0:2' }),
  ev({ type: 'step-cancelled', stepId: 'stage-0:3' }),
  ev({ type: 'build-finished', status: 'failed', error: { message: 'exit 2' }, durationMs: 20 }),
];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('the build reducer', () => {
  it('applies a build from start to finish', () => {
    const view = reduceEvents(emptyBuild(B), run);
    expect(view.seq).toBe(run.length);
    expect(view.status).toBe('failed');
    expect(view.graph).toBe(graph);
    expect(view.steps['stage-0:1']!.status).toBe('cached');
    const failed = view.steps['stage-0:2']!;
    // A failed step stays failed when the build then cancels what had not settled.
    expect(failed.status).toBe('failed');
    expect(failed.error?.exitCode).toBe(2);
    expect(failed.cache).toEqual({ hit: false, reason: 'no earlier build' });
    expect(failed.containerId).toBeUndefined();
    expect(view.steps['stage-0:3']!.status).toBe('cancelled');
    const log = view.logs['stage-0:2']!;
    expect([0, 1].map((i) => lineAt(log, i))).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stderr', text: 'oops' },
    ]);
    expect(lineAt(log, 2)).toEqual({ stream: 'stdout', text: 'world' });
    expect(lineCount(log)).toBe(3);
  });

  it('is pure: the input is never modified, unchanged steps keep their identity', () => {
    const before = reduceEvents(emptyBuild(B), run.slice(0, 9));
    deepFreeze(before);
    const after = reduceEvents(before, run.slice(9, 13));
    expect(after).not.toBe(before);
    expect(before.steps['stage-0:2']!.status).toBe('running');
    expect(after.steps['stage-0:2']!.status).toBe('failed');
    expect(after.steps['stage-0:1']).toBe(before.steps['stage-0:1']);
    expect(after.steps['stage-0:3']).toBe(before.steps['stage-0:3']);
    // Applying in one go or in pieces gives the same view.
    expect(reduceEvents(reduceEvents(emptyBuild(B), run.slice(0, 7)), run.slice(7))).toEqual(reduceEvents(emptyBuild(B), run));
    // Only logs: the steps map is the same object.
    const logged = reduceEvents(after, [ev({ type: 'step-log', stepId: 'stage-0:2', stream: 'stdout', text: 'more\n' })]);
    expect(logged.steps).toBe(after.steps);
  });
});

describe('batch sequencing', () => {
  it('tells apply, duplicate and gap apart', () => {
    expect(judgeBatch(0, 0, 3)).toEqual({ kind: 'apply', skip: 0 });
    expect(judgeBatch(5, 3, 4)).toEqual({ kind: 'apply', skip: 2 });
    expect(judgeBatch(5, 0, 5)).toEqual({ kind: 'duplicate' });
    expect(judgeBatch(5, 7, 2)).toEqual({ kind: 'gap', from: 5 });
  });

  it('skips what was applied, applies the rest, and asks for what is missing', () => {
    const first = acceptBatch({}, { buildId: B, from: 0, events: run.slice(0, 6) });
    expect(first.builds[B]!.seq).toBe(6);
    const again = acceptBatch(first.builds, { buildId: B, from: 0, events: run.slice(0, 6) });
    expect(again.builds).toBe(first.builds);
    const overlap = acceptBatch(first.builds, { buildId: B, from: 4, events: run.slice(4, 10) });
    expect(overlap.builds[B]!.seq).toBe(10);
    expect(overlap.builds[B]).toEqual(reduceEvents(emptyBuild(B), run.slice(0, 10)));
    const gap = acceptBatch(overlap.builds, { buildId: B, from: 12, events: run.slice(12) });
    expect(gap.gapFrom).toBe(10);
    expect(gap.builds).toBe(overlap.builds);
    // A live batch for a build we never heard of, past its start: fetch it from 0.
    expect(acceptBatch({}, { buildId: 'other', from: 3, events: run.slice(3, 5) }).gapFrom).toBe(0);
  });
});

describe('the bounded step log', () => {
  it('keeps the last `limit` lines, counts the dropped ones, and indexes across chunks', () => {
    let log = emptyLog(2500);
    for (let i = 0; i < 10; i++) {
      const text = Array.from({ length: 1000 }, (_, j) => `line ${i * 1000 + j + 1}`).join('\n') + '\n';
      log = appendLog(log, [{ stream: 'stdout', text }]);
    }
    expect(log.length).toBe(2500);
    expect(log.dropped).toBe(7500);
    expect(lineAt(log, 0)!.text).toBe('line 7501');
    expect(lineAt(log, 2499)!.text).toBe('line 10000');
    expect(lineAt(log, 2500)).toBeUndefined();
    expect(log.chunks.length).toBeLessThanOrEqual(Math.ceil(2500 / CHUNK) + 1);
    for (const i of [0, CHUNK - 1, CHUNK, 1337, 2048, 2499]) expect(lineAt(log, i)!.text).toBe(`line ${7501 + i}`);
  });

  it('joins lines split across writes per stream, applies carriage returns, and cuts endless lines', () => {
    let log = emptyLog();
    log = appendLog(log, [
      { stream: 'stdout', text: 'progress 10%\rprogress 50%' },
      { stream: 'stderr', text: 'warn' },
    ]);
    // Unterminated tails show as lines of their own.
    expect(lineCount(log)).toBe(2);
    expect(lineAt(log, 0)).toEqual({ stream: 'stdout', text: 'progress 50%' });
    log = appendLog(log, [
      { stream: 'stdout', text: '\rprogress 100%\r\n' },
      { stream: 'stderr', text: 'ing\n' },
    ]);
    expect([lineAt(log, 0), lineAt(log, 1)]).toEqual([
      { stream: 'stdout', text: 'progress 100%' },
      { stream: 'stderr', text: 'warning' },
    ]);
    const before = log;
    log = appendLog(log, [{ stream: 'stdout', text: 'x'.repeat(MAX_LINE + 10) }]);
    expect(lineAt(log, 2)!.text.length).toBe(MAX_LINE);
    expect(log.partial.stdout).toBe('x'.repeat(10));
    // The earlier buffer is untouched.
    expect(lineCount(before)).toBe(2);
  });
});
