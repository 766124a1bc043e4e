/**
 * Build history on disk: summaries written whole (temp + rename), torn or foreign files skipped,
 * a build whose process died closed as interrupted (once), a build recorded as it runs, and
 * records exported, checked, imported in parts and deleted.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildHistory, closingEvents } from '../../electron/core/history';
import { buildFiles, parseSummary, readEvents, writeAtomically, writeSummary } from '../../electron/core/history-files';
import { HistoryRefusal, RecordUploads, fromRecord, toRecord } from '../../electron/core/history-record';
import { processOwner } from '../../electron/docker/containers';
import type { BuildSummary } from '../../shared/contract';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph } from '../../shared/graph';
import { IMPORT_PART_CHARS, recordProblem, type BuildRecord } from '../../shared/history';

const graph: BuildGraph = {
  stages: [{ index: 0, key: 'stage-0', base: { kind: 'image', ref: 'busybox' }, range: { start: 1, end: 3 }, stepIds: ['stage-0:1', 'stage-0:2', 'stage-0:3'] }],
  steps: [
    { id: 'stage-0:1', stage: 0, position: 1, kind: 'FROM', name: '[1/3] FROM busybox', text: 'FROM busybox', range: { start: 1, end: 1 }, dependsOn: [] },
    { id: 'stage-0:2', stage: 0, position: 2, kind: 'RUN', name: '[2/3] RUN a', text: 'RUN a', range: { start: 2, end: 2 }, dependsOn: ['stage-0:1'] },
    { id: 'stage-0:3', stage: 0, position: 3, kind: 'RUN', name: '[3/3] RUN b', text: 'RUN b', range: { start: 3, end: 3 }, dependsOn: ['stage-0:2'] },
  ],
  edges: [{ from: 'stage-0:1', to: 'stage-0:2', kind: 'order' }],
  target: 0,
  targets: [],
  buildArgs: [],
};

const summaryOf = (buildId: string, patch: Partial<BuildSummary> = {}): BuildSummary => ({
  buildId,
  request: { context: '/ctx', dockerfile: 'Dockerfile', buildArgs: { A: '1' }, tags: ['t:1'], noCache: false },
  status: 'running',
  startedAt: 1000,
  ...patch,
});

const eventsOf = (buildId: string): BuildEvent[] => [
  { type: 'build-started', buildId, time: 1000, graph, dockerfile: '/ctx/Dockerfile', context: '/ctx', tags: ['t:1'] },
  ...graph.steps.map((s, i): BuildEvent => ({ type: 'step-queued', buildId, time: 1001 + i, stepId: s.id })),
  { type: 'step-started', buildId, time: 1010, stepId: 'stage-0:1' },
  { type: 'step-done', buildId, time: 1011, stepId: 'stage-0:1', imageId: 'sha256:aa', cached: true, size: 5, durationMs: 1 },
  { type: 'step-started', buildId, time: 1020, stepId: 'stage-0:2' },
  { type: 'step-cache', buildId, time: 1021, stepId: 'stage-0:2', decision: { hit: false, reason: 'no earlier build' } },
  { type: 'step-log', buildId, time: 1030, stepId: 'stage-0:2', stream: 'stdout', text: 'hello\n' },
];
const finished = (buildId: string): BuildEvent[] => [
  ...eventsOf(buildId),
  { type: 'step-done', buildId, time: 1040, stepId: 'stage-0:2', imageId: 'sha256:bb', cached: false, size: 6, durationMs: 20 },
  { type: 'step-started', buildId, time: 1041, stepId: 'stage-0:3' },
  { type: 'step-done', buildId, time: 1050, stepId: 'stage-0:3', imageId: 'sha256:cc', cached: false, size: 7, durationMs: 9 },
  { type: 'build-finished', buildId, time: 1051, status: 'succeeded', imageId: 'sha256:cc', durationMs: 51 },
];

const jsonl = (events: BuildEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join('');
const tempDir = () => mkdtemp(join(tmpdir(), 'slipway-history-'));
/** No process has this pid (beyond Linux's pid_max). */
const DEAD_OWNER = `${hostname()}/2147483646`;

describe('summary files', () => {
  it('are replaced whole, with no temporary file left', async () => {
    const dir = await tempDir();
    const path = join(dir, 'x.summary.json');
    await writeAtomically(path, 'one');
    await writeAtomically(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['x.summary.json']);
  });

  it('that are torn, foreign or misnamed are not summaries', () => {
    const good = JSON.stringify({ owner: 'h/1', summary: summaryOf('abc') });
    expect(parseSummary(good, 'abc')?.summary.buildId).toBe('abc');
    expect(parseSummary(good.slice(0, good.length - 7), 'abc')).toBeUndefined();
    expect(parseSummary(good, 'other')).toBeUndefined();
    expect(parseSummary('', 'abc')).toBeUndefined();
    expect(parseSummary('null', 'abc')).toBeUndefined();
    expect(parseSummary(JSON.stringify({ owner: 'h/1', summary: { ...summaryOf('abc'), status: 'exploded' } }), 'abc')).toBeUndefined();
    expect(parseSummary(JSON.stringify({ owner: 'h/1', summary: { ...summaryOf('abc'), extra: 1 } }), 'abc')).toBeUndefined();
  });

  it('a history with torn and invalid files lists only the good builds, newest first', async () => {
    const dir = await tempDir();
    await writeSummary(dir, { owner: DEAD_OWNER, summary: summaryOf('old', { status: 'succeeded', startedAt: 1 }) });
    await writeSummary(dir, { owner: DEAD_OWNER, summary: summaryOf('new', { status: 'failed', startedAt: 2 }) });
    await writeFile(join(dir, 'torn.summary.json'), JSON.stringify({ owner: 'h/1', summary: summaryOf('torn') }).slice(0, 40));
    await writeFile(join(dir, 'garbage.summary.json'), '\u0000\u0001 not json');
    await writeFile(join(dir, 'renamed.summary.json'), JSON.stringify({ owner: 'h/1', summary: summaryOf('someone-else', { status: 'failed' }) }));
    await writeFile(join(dir, 'x.jsonl'), 'not a summary');
    const history = new BuildHistory(dir);
    expect((await history.list()).map((s) => s.buildId)).toEqual(['new', 'old']);
    await expect(history.summary('torn')).rejects.toThrow(/no build torn/);
  });

  it('a missing folder is an empty history', async () => {
    expect(await new BuildHistory(join(await tempDir(), 'nope')).list()).toEqual([]);
  });
});

describe('interrupted builds', () => {
  it('closes the log of a build whose process died: unsettled steps cancelled, finished as cancelled, once', async () => {
    const dir = await tempDir();
    const id = 'dead1';
    const files = buildFiles(dir, id);
    // The process died mid-write: the last line is torn.
    await writeFile(files.log, `${jsonl(eventsOf(id))}{"type":"step-log","buil`);
    await writeSummary(dir, { owner: DEAD_OWNER, summary: summaryOf(id) });

    const history = new BuildHistory(dir);
    const summary = await history.summary(id);
    expect(summary).toMatchObject({ status: 'cancelled', interrupted: true, finishedAt: 1030, durationMs: 30 });
    expect(summary.steps).toEqual({ total: 3, built: 0, cached: 1, failed: 0 });
    const events = await history.events(id, 0);
    expect(events.length).toBe(eventsOf(id).length + 4);
    expect(events.slice(-4).map((e) => [e.type, 'stepId' in e ? e.stepId : '', e.time])).toEqual([
      ['step-cancelled', 'stage-0:2', 1030],
      ['step-cancelled', 'stage-0:3', 1030],
      ['build-message', '', 1030],
      ['build-finished', '', 1030],
    ]);
    // Written back: the next Slipway reads a finished build and appends nothing more.
    const again = new BuildHistory(dir);
    expect(await again.summary(id)).toMatchObject({ status: 'cancelled', interrupted: true });
    expect((await again.events(id, 0)).length).toBe(events.length);
    expect((await again.events(id, events.length - 1)).map((e) => e.type)).toEqual(['build-finished']);
  });

  it('a build that wrote its last event but not its summary takes its status from the event', async () => {
    const dir = await tempDir();
    await writeFile(buildFiles(dir, 'late').log, jsonl(finished('late')));
    await writeSummary(dir, { owner: DEAD_OWNER, summary: summaryOf('late') });
    const summary = await new BuildHistory(dir).summary('late');
    expect(summary).toMatchObject({ status: 'succeeded', finishedAt: 1051 });
    expect(summary.interrupted).toBeUndefined();
    expect(summary.steps).toEqual({ total: 3, built: 2, cached: 1, failed: 0 });
  });

  it('a build of another live process stays running, and its log untouched', async () => {
    const dir = await tempDir();
    await writeFile(buildFiles(dir, 'live').log, jsonl(eventsOf('live')));
    // pid 1 is always there (kill(1, 0) says EPERM to a non-root user: alive too).
    await writeSummary(dir, { owner: `${hostname()}/1`, summary: summaryOf('live') });
    const history = new BuildHistory(dir);
    expect((await history.summary('live')).status).toBe('running');
    expect((await history.events('live', 0)).length).toBe(eventsOf('live').length);
    await expect(history.remove('live')).rejects.toBeInstanceOf(HistoryRefusal);
    await expect(history.export('live')).rejects.toBeInstanceOf(HistoryRefusal);
  });

  it('closing events of a build that had not reported its graph: just the end', () => {
    const events = closingEvents(summaryOf('g'), []);
    expect(events.map((e) => e.type)).toEqual(['build-message', 'build-finished']);
    expect(events[1]).toMatchObject({ status: 'cancelled', durationMs: 0, time: 1000 });
  });
});

describe('recording a build', () => {
  it('writes the summary as it starts and as it ends, with the Dockerfile as it was', async () => {
    const dir = await tempDir();
    const dockerfile = join(dir, 'Dockerfile.src');
    await writeFile(dockerfile, 'FROM busybox\nRUN a\nRUN b\n');
    const history = new BuildHistory(dir);
    const summary = summaryOf('rec1');
    const recorder = await history.record(summary, dockerfile);
    await writeFile(dockerfile, 'FROM busybox\nRUN edited\n');

    // A second history on the same home (a second core in this process) sees it running, not interrupted.
    await expect.poll(async () => (await new BuildHistory(dir).list()).map((s) => s.status)).toEqual(['running']);
    for (const event of finished('rec1')) recorder.observe(event);
    summary.status = 'succeeded';
    await recorder.finish();

    const reread = new BuildHistory(dir);
    expect(await reread.summary('rec1')).toEqual({ ...summaryOf('rec1'), status: 'succeeded', finishedAt: 1051, durationMs: 51, steps: { total: 3, built: 2, cached: 1, failed: 0 } });
    expect((await reread.open('rec1')).dockerfile).toBe('FROM busybox\nRUN a\nRUN b\n');
    expect(JSON.parse(await readFile(buildFiles(dir, 'rec1').summary, 'utf8')).owner).toBe(processOwner());
  });
});

describe('build records', () => {
  const record = (patch: Partial<BuildRecord> = {}): BuildRecord =>
    toRecord(summaryOf('r1', { status: 'succeeded', finishedAt: 1051, durationMs: 51, retryOf: 'r0', imported: { from: 'zz', at: 5 } }), 'FROM busybox\n', finished('r1'), 9);

  it('carry the summary fields picked for them, the Dockerfile and every event', () => {
    const r = { ...record() };
    expect(recordProblem(r)).toBeUndefined();
    expect(r.summary.imported).toBeUndefined();
    expect(r).toMatchObject({ format: 'slipway-build-record', version: 1, exportedAt: 9, dockerfile: 'FROM busybox\n' });
    expect(r.events).toEqual(finished('r1'));
  });

  it('are refused when anything is off', () => {
    const good = record();
    const cases: [string, unknown, RegExp][] = [
      ['not an object', 'x', /not a Slipway build record/],
      ['another format', { ...good, format: 'other' }, /not a Slipway build record/],
      ['another version', { ...good, version: 2 }, /version 2/],
      ['an extra field', { ...good, extra: true }, /malformed/],
      ['a summary missing its request', { ...good, summary: { ...good.summary, request: undefined } }, /malformed/],
      ['a running build', { ...good, summary: { ...good.summary, status: 'running' } }, /had not finished/],
      ['an unknown event', { ...good, events: [...good.events, { type: 'rm-rf', buildId: 'r1', time: 1 }] }, /event 14 /],
      ['an event with a wrong field', { ...good, events: [{ ...good.events[0]!, tags: 'x' }, ...good.events.slice(1)] }, /event 1 /],
      ['an event with an extra field', { ...good, events: [...good.events.slice(0, -1), { ...good.events.at(-1)!, html: '<b>' }] }, /event 13 /],
      ['events of another build', { ...good, events: good.events.map((e, i) => (i === 3 ? { ...e, buildId: 'other' } : e)) }, /several builds/],
      ['a graph naming missing steps', { ...good, events: [{ ...good.events[0]!, graph: { ...graph, stages: [{ ...graph.stages[0]!, stepIds: ['nope'] }] } }, ...good.events.slice(1)] }, /event 1 /],
      ['the build started twice', { ...good, events: [...good.events, good.events[0]!] }, /start the build once/],
      ['a start that is not first', { ...good, events: [good.events[1]!, good.events[0]!, ...good.events.slice(2)] }, /start the build once/],
    ];
    for (const [what, value, message] of cases) expect([what, recordProblem(value)]).toEqual([what, expect.stringMatching(message)]);
    expect(() => fromRecord({ ...good, version: 3 }, 'new')).toThrow(HistoryRefusal);
  });

  it('check a cache miss’s structured reason variant by variant', () => {
    const withDecision = (decision: unknown) => {
      const good = record();
      return { ...good, events: good.events.map((e) => (e.type === 'step-cache' ? { ...e, decision } : e)) };
    };
    const changes = { kind: 'changes', step: 'RUN a', created: 5, changes: [{ kind: 'files', changed: ['a'], added: [], removed: [], complete: true }] };
    expect(recordProblem(withDecision({ hit: false, reason: 'x', diff: changes }))).toBeUndefined();
    expect(recordProblem(withDecision({ hit: false, reason: 'x', diff: { kind: 'earlier-miss' } }))).toBeUndefined();
    expect(recordProblem(withDecision({ hit: true, reason: 'x' }))).toBeUndefined();
    for (const bad of [
      { hit: false, reason: 'x', diff: { kind: 'who-knows' } },
      { hit: false, reason: 'x', diff: { ...changes, changes: [{ kind: 'files', changed: 'a' }] } },
      { hit: true, reason: 'x', diff: { kind: 'new' } },
      { hit: 'yes', reason: 'x' },
    ]) {
      expect(recordProblem(withDecision(bad))).toMatch(/event 8 /);
    }
  });

  it('import as a new build of this history, marked imported, without the retried build', () => {
    const imported = fromRecord(JSON.parse(JSON.stringify(record())), 'fresh1', 77);
    expect(imported.summary).toMatchObject({ buildId: 'fresh1', status: 'succeeded', imported: { from: 'r1', at: 77 } });
    expect(imported.summary.retryOf).toBeUndefined();
    expect(imported.events.every((e) => e.buildId === 'fresh1')).toBe(true);
    expect(imported.dockerfile).toBe('FROM busybox\n');
  });
});

describe('importing in parts', () => {
  const parts = (text: string, uploadId = 'u1') => {
    const out = [];
    const count = Math.max(1, Math.ceil(text.length / IMPORT_PART_CHARS));
    for (let i = 0; i < count; i++) out.push({ uploadId, part: i, parts: count, text: text.slice(i * IMPORT_PART_CHARS, (i + 1) * IMPORT_PART_CHARS) });
    return out;
  };

  it('puts the text back together and parses it on the last part', () => {
    const uploads = new RecordUploads();
    const value = { big: 'x'.repeat(IMPORT_PART_CHARS * 2 + 5) };
    const all = parts(JSON.stringify(value));
    expect(all.length).toBe(3);
    expect(uploads.accept(all[0]!)).toBeUndefined();
    expect(uploads.accept(all[1]!)).toBeUndefined();
    expect(uploads.accept(all[2]!)).toEqual(value);
  });

  it('refuses parts out of order, unknown uploads, non-JSON and idle uploads', () => {
    const uploads = new RecordUploads();
    const all = parts(JSON.stringify({ big: 'y'.repeat(IMPORT_PART_CHARS * 2) }));
    expect(() => uploads.accept(all[1]!)).toThrow(/out of order/);
    uploads.accept(all[0]!, 0);
    expect(() => uploads.accept(all[2]!, 1)).toThrow(/out of order/);
    // The upload was dropped: its next part is out of order too.
    expect(() => uploads.accept(all[1]!, 2)).toThrow(/out of order/);
    expect(() => uploads.accept({ uploadId: 'n', part: 0, parts: 1, text: '{not json' })).toThrow(/not JSON/);
    uploads.accept(all[0]!, 0);
    expect(() => uploads.accept(all[1]!, 120_000)).toThrow(/out of order/);
  });

  it('a history imports, exports the same build again, and deletes it with its files', async () => {
    const dir = await tempDir();
    const history = new BuildHistory(dir);
    const text = JSON.stringify(toRecord(summaryOf('orig', { status: 'succeeded' }), 'FROM busybox\n', finished('orig')));
    let summary: BuildSummary | null = null;
    for (const part of parts(text, 'up')) summary = await history.import(part);
    expect(summary).toMatchObject({ status: 'succeeded', imported: { from: 'orig' } });
    const id = summary!.buildId;
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect((await history.list()).map((s) => s.buildId)).toEqual([id]);
    expect((await history.events(id, 0)).map((e) => e.type)).toEqual(finished('orig').map((e) => e.type));
    expect((await history.open(id)).dockerfile).toBe('FROM busybox\n');

    // Survives a restart; exported again it is the same build.
    const again = new BuildHistory(dir);
    const exported = await again.export(id);
    expect(exported.events).toEqual(finished(id));
    expect(exported.summary.imported).toBeUndefined();

    await again.remove(id);
    expect(await again.list()).toEqual([]);
    for (const path of Object.values(buildFiles(dir, id))) expect(existsSync(path), path).toBe(false);
    expect(await readEvents(buildFiles(dir, id).log)).toEqual([]);
  });

  it('a malformed record imports nothing', async () => {
    const dir = await tempDir();
    const history = new BuildHistory(dir);
    const bad = JSON.stringify({ ...toRecord(summaryOf('o', { status: 'failed' }), undefined, finished('o')), events: [{ type: 'nope' }] });
    await expect(history.import({ uploadId: 'b', part: 0, parts: 1, text: bad })).rejects.toThrow(/event 1 /);
    expect(await history.list()).toEqual([]);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });
});
