/**
 * Layer diffs in the main process: wasted space over a chain of layers, the chain of steps an
 * image is made of, what a build answers for a step's layer (recorded, cached, metadata), and
 * reading a container's diff with sizes from tar headers and stats, within the caps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecBackend, PathChange, PathStat } from '../../electron/builder/backend';
import { readLayerDiff, DEFAULT_LIMITS } from '../../electron/builder/layers-diff';
import { BuildLayers, chainOf, LayerViews } from '../../electron/core/layers-build';
import { LayerStore } from '../../electron/core/layers-store';
import { wastedSpace } from '../../electron/core/layers-waste';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph, GraphStep, InstructionKind } from '../../shared/graph';
import type { LayerEntry } from '../../shared/layers';

const file = (path: string, size: number, kind: LayerEntry['kind'] = 'added'): LayerEntry => ({ path, kind, size });
const dir = (path: string, kind: LayerEntry['kind'] = 'modified'): LayerEntry => ({ path, kind, isDirectory: true });
const del = (path: string): LayerEntry => ({ path, kind: 'deleted' });

describe('wasted space', () => {
  it('counts a file deleted by a later step, and one overwritten, at the size of the version lost', () => {
    const waste = wastedSpace([
      { stepId: 's:2', entries: [dir('/data', 'added'), file('/data/big', 1000), file('/data/conf', 10), file('/keep', 7)] },
      { stepId: 's:3', entries: [dir('/data'), file('/data/conf', 12, 'modified')] },
      { stepId: 's:4', entries: [dir('/data'), del('/data/big'), file('/data/conf', 15, 'modified')] },
    ]);
    expect(waste.files).toEqual([
      { path: '/data/big', size: 1000, stepId: 's:2', removedBy: 's:4', how: 'deleted' },
      { path: '/data/conf', size: 12, stepId: 's:3', removedBy: 's:4', how: 'overwritten' },
      { path: '/data/conf', size: 10, stepId: 's:2', removedBy: 's:3', how: 'overwritten' },
    ]);
    expect(waste.total).toBe(1022);
  });

  it('a deleted directory takes the files below it, and only those', () => {
    const waste = wastedSpace([
      { stepId: 'a', entries: [dir('/cache', 'added'), file('/cache/x', 300), file('/cache/sub/y', 200), file('/cachefile', 50)] },
      { stepId: 'b', entries: [del('/cache')] },
    ]);
    expect(waste.files.map((f) => f.path)).toEqual(['/cache/x', '/cache/sub/y']);
    expect(waste.total).toBe(500);
  });

  it('nothing is wasted when no later step touches a file; files of unknown size are not guessed', () => {
    expect(wastedSpace([{ stepId: 'a', entries: [file('/a', 5)] }, { stepId: 'b', entries: [file('/b', 6)] }])).toEqual({ total: 0, files: [] });
    const unsized: LayerEntry = { path: '/u', kind: 'added' };
    expect(wastedSpace([{ stepId: 'a', entries: [unsized] }, { stepId: 'b', entries: [del('/u')] }]).total).toBe(0);
  });

  it('a file written again after its deletion is live again', () => {
    const waste = wastedSpace([
      { stepId: 'a', entries: [file('/f', 100)] },
      { stepId: 'b', entries: [del('/f')] },
      { stepId: 'c', entries: [file('/f', 40)] },
    ]);
    expect(waste.total).toBe(100);
  });
});

const step = (stage: number, key: string, position: number, kind: InstructionKind): GraphStep => ({
  id: `${key}:${position}`,
  stage,
  position,
  kind,
  name: `[${key} ${position}] ${kind}`,
  text: kind,
  range: { start: 1, end: 1 },
  dependsOn: [],
});
const steps = [
  step(0, 'base', 1, 'FROM'),
  step(0, 'base', 2, 'RUN'),
  step(1, 'other', 1, 'FROM'),
  step(1, 'other', 2, 'RUN'),
  step(2, 'final', 1, 'FROM'),
  step(2, 'final', 2, 'ENV'),
  step(2, 'final', 3, 'RUN'),
  step(2, 'final', 4, 'COPY'),
];
const graph: BuildGraph = {
  stages: [
    { index: 0, key: 'base', base: { kind: 'image', ref: 'busybox' }, range: { start: 1, end: 1 }, stepIds: ['base:1', 'base:2'] },
    { index: 1, key: 'other', base: { kind: 'image', ref: 'busybox' }, range: { start: 1, end: 1 }, stepIds: ['other:1', 'other:2'] },
    { index: 2, key: 'final', base: { kind: 'stage', stage: 0 }, range: { start: 1, end: 1 }, stepIds: ['final:1', 'final:2', 'final:3', 'final:4'] },
  ],
  steps,
  edges: [],
  target: 2,
  targets: [],
  buildArgs: [],
};
const image = (n: number) => `sha256:${String(n).padStart(64, '0')}`;

describe('the steps of an image', () => {
  it('are those of the stages it is built FROM, then its own; a sibling stage is not one of them', () => {
    expect(chainOf(graph, 2).map((s) => s.id)).toEqual(['base:1', 'base:2', 'final:1', 'final:2', 'final:3', 'final:4']);
    expect(chainOf(graph, 1).map((s) => s.id)).toEqual(['other:1', 'other:2']);
  });
});

describe('a build\'s layers', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const store = async () => {
    const d = await mkdtemp(join(tmpdir(), 'slipway-layers-'));
    dirs.push(d);
    return new LayerStore(join(d, 'builds', 'layers'));
  };
  let time = 0;
  const ev = (e: Record<string, unknown>): BuildEvent => ({ buildId: 'b1', time: time++, ...e }) as BuildEvent;
  const diff = (entries: LayerEntry[]) => ({ entries, truncated: false, unsized: 0, layerSize: entries.reduce((s, e) => s + (e.size ?? 0), 0) });

  async function recorded(): Promise<{ layers: BuildLayers; events: BuildEvent[]; store: LayerStore }> {
    const s = await store();
    // base:2 was recorded by an earlier build (this one hits the cache); final:3 by this build;
    // final:4 (a cached COPY) never was.
    await s.save({ imageId: image(2), buildId: 'b0', stepId: 'base:2', recordedAt: 5, diff: diff([file('/tmp/big', 4000), file('/app', 3)]) });
    await s.save({ imageId: image(6), buildId: 'b1', stepId: 'final:3', recordedAt: 9, diff: diff([del('/tmp/big'), file('/app', 4, 'modified')]) });
    const events = [
      ev({ type: 'build-started', graph, dockerfile: '/Dockerfile', context: '/', tags: [] }),
      ev({ type: 'step-started', stepId: 'base:1', baseImage: image(1) }),
      ev({ type: 'step-done', stepId: 'base:1', imageId: image(1), cached: false, size: 10, durationMs: 1 }),
      ev({ type: 'step-done', stepId: 'base:2', imageId: image(2), cached: true, size: 4013, durationMs: 1 }),
      ev({ type: 'step-started', stepId: 'final:1', baseImage: image(2) }),
      ev({ type: 'step-done', stepId: 'final:1', imageId: image(2), cached: false, size: 4013, durationMs: 1 }),
      ev({ type: 'step-done', stepId: 'final:2', imageId: image(5), cached: false, size: 4013, durationMs: 1 }),
      ev({ type: 'step-done', stepId: 'final:3', imageId: image(6), cached: false, size: 4017, durationMs: 1 }),
      ev({ type: 'step-done', stepId: 'final:4', imageId: image(7), cached: true, size: 4020, durationMs: 1 }),
    ];
    const layers = new BuildLayers(s);
    events.forEach((e) => layers.observe(e));
    return { layers, events, store: s };
  }

  it('answers a step\'s diff: built by this build, or recorded when its cached image was built', async () => {
    const { layers } = await recorded();
    const built = await layers.step('final:3');
    expect(built).toMatchObject({ available: true, source: 'built', imageId: image(6) });
    const cached = await layers.step('base:2');
    expect(cached).toMatchObject({ available: true, source: 'cache', recordedAt: 5 });
    if (cached.available) expect(cached.diff.entries.map((e) => e.path)).toEqual(['/tmp/big', '/app']);
  });

  it('says why a step has no diff', async () => {
    const { layers } = await recorded();
    expect(await layers.step('final:4')).toEqual({ available: false, reason: expect.stringMatching(/cached step.*not recorded/) });
    expect(await layers.step('final:2')).toEqual({ available: false, reason: expect.stringMatching(/^ENV changes only the image's config/) });
    // final:1 ended on base:2's image: that diff is base:2's, not the FROM's.
    expect(await layers.step('final:1')).toEqual({ available: false, reason: expect.stringMatching(/^A FROM step adds no layer/) });
    expect(await layers.step('other:2')).toEqual({ available: false, reason: expect.stringMatching(/has not committed/) });
    await expect(layers.step('nope:1')).rejects.toThrow(/no step nope:1/);
  });

  it('computes wasted space per stage image, target first, naming steps without a diff', async () => {
    const { layers } = await recorded();
    const [target, ...rest] = await layers.waste();
    expect(target).toMatchObject({ stage: 2, stageKey: 'final', target: true, total: 4003, more: 0, unknownSteps: ['final:4'] });
    expect(target!.files).toEqual([
      { path: '/tmp/big', size: 4000, stepId: 'base:2', removedBy: 'final:3', how: 'deleted' },
      { path: '/app', size: 3, stepId: 'base:2', removedBy: 'final:3', how: 'overwritten' },
    ]);
    expect(rest.map((r) => [r.stageKey, r.total])).toEqual([['base', 0], ['other', 0]]);
  });

  it('a build of an earlier process is replayed from its events', async () => {
    const { events, store: s } = await recorded();
    const views = new LayerViews(s.dir);
    let reads = 0;
    const read = async () => {
      reads++;
      return events;
    };
    expect(await (await views.of('b1', read)).step('final:3')).toMatchObject({ available: true, source: 'built' });
    await views.of('b1', read);
    expect(reads).toBe(1);
    await expect(views.of('gone', () => Promise.reject(new Error('no build gone')))).rejects.toThrow('no build gone');
  });
});

/** A container as the diff reader sees it: its changes, its files' stats, tar streams of its directories. */
function fakeContainer(changes: PathChange[], files: Record<string, number>, opts: { onArchive?: (path: string) => void; onStat?: (path: string) => void } = {}): ExecBackend {
  const isDir = (p: string) => Object.keys(files).some((f) => f.startsWith(`${p}/`));
  const unused = () => {
    throw new Error('not used');
  };
  return {
    changes: async () => changes,
    getArchive: async (_id: string, path: string) => {
      opts.onArchive?.(path);
      const pack = tar.pack();
      const base = path.slice(path.lastIndexOf('/') + 1);
      pack.entry({ name: `${base}/`, type: 'directory' });
      for (const [f, size] of Object.entries(files)) {
        if (f.startsWith(`${path}/`)) pack.entry({ name: `${base}${f.slice(path.length)}`, size }, Buffer.alloc(size));
      }
      pack.finalize();
      return Readable.from(pack as unknown as AsyncIterable<Buffer>);
    },
    statPath: async (_id: string, path: string): Promise<PathStat | undefined> => {
      opts.onStat?.(path);
      if (files[path] !== undefined) return { name: path, size: files[path]!, mode: 0o644, isDirectory: false, linkTarget: '' };
      if (isDir(path)) return { name: path, size: 4096, mode: 0x80000000 | 0o755, isDirectory: true, linkTarget: '' };
      return undefined;
    },
    createContainer: unused, attach: unused, start: unused, wait: unused, kill: unused, remove: unused, putArchive: unused, openShell: unused,
  };
}

describe('reading a container\'s diff', () => {
  it('sizes an added directory from one tar stream, other paths by stat; deleted paths have no size', async () => {
    const archives: string[] = [];
    const stats: string[] = [];
    const containers = fakeContainer(
      [
        { path: '/app', kind: 'added' }, { path: '/app/x', kind: 'added' }, { path: '/app/lib', kind: 'added' }, { path: '/app/lib/y', kind: 'added' },
        { path: '/etc', kind: 'modified' }, { path: '/etc/motd', kind: 'modified' }, { path: '/old', kind: 'deleted' }, { path: '/a', kind: 'added' },
      ],
      { '/app/x': 3, '/app/lib/y': 1234, '/etc/motd': 20, '/a': 5, '/etc/other': 1 },
      { onArchive: (p) => archives.push(p), onStat: (p) => stats.push(p) },
    );
    const diff = await readLayerDiff(containers, 'c1');
    expect(archives).toEqual(['/app']);
    expect(stats.sort()).toEqual(['/a', '/etc/motd']);
    expect(diff).toEqual({
      truncated: false,
      unsized: 0,
      entries: [
        { path: '/a', kind: 'added', size: 5 },
        { path: '/app', kind: 'added', isDirectory: true, size: 0 },
        { path: '/app/lib', kind: 'added', isDirectory: true },
        { path: '/app/lib/y', kind: 'added', size: 1234 },
        { path: '/app/x', kind: 'added', size: 3 },
        { path: '/etc', kind: 'modified', isDirectory: true },
        { path: '/etc/motd', kind: 'modified', size: 20 },
        { path: '/old', kind: 'deleted' },
      ],
    });
  });

  it('past the caps, paths are dropped (truncated) and sizes left out (unsized)', async () => {
    const changes: PathChange[] = Array.from({ length: 30 }, (_, i) => ({ path: `/f${String(i).padStart(2, '0')}`, kind: 'added' }));
    const files = Object.fromEntries(changes.map((c) => [c.path, 1]));
    const diff = await readLayerDiff(fakeContainer(changes, files), 'c1', { ...DEFAULT_LIMITS, maxEntries: 20, maxStats: 15, statConcurrency: 4 });
    expect(diff.truncated).toBe(true);
    expect(diff.entries).toHaveLength(20);
    expect(diff.entries.filter((e) => e.size === 1)).toHaveLength(15);
    expect(diff.unsized).toBe(5);
  });
});
