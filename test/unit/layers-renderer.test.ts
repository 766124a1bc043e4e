/**
 * The renderer's pure parts of layer inspection and the profile: a diff as a folder tree with
 * summed sizes, its filter, the rows drawn for open folders; the timeline's lanes, bars and
 * axis. These modules belong to the DOM-typed project (tsconfig.web.json), so they are loaded
 * by URL and typed here by hand (as renderer-store.test does).
 */
import { describe, expect, it } from 'vitest';
import type { ChangeKind, LayerEntry } from '../../shared/layers';

interface TreeNode { name: string; path: string; kind?: ChangeKind; isDirectory: boolean; size: number; count: number; unsized?: boolean; children: TreeNode[] }
interface Tree {
  buildTree(entries: LayerEntry[]): TreeNode;
  filterTree(node: TreeNode, query: string, kinds: ReadonlySet<ChangeKind>): TreeNode | undefined;
  visibleRows(root: TreeNode, open: ReadonlySet<string>, openAll?: boolean, limit?: number): { node: TreeNode; depth: number }[];
  initiallyOpen(root: TreeNode, smallDiff?: number): Set<string>;
}
interface TimedStep { id: string; stage: number; startedAt?: number; endedAt?: number; running: boolean }
interface Bar { id: string; lane: number; start: number; end: number; left: number; width: number }
interface Gantt {
  ganttLayout(stages: { index: number; label: string }[], steps: TimedStep[], buildStart: number | undefined, now: number): { lanes: { stage: number; label: string }[]; bars: Bar[]; span: number; ticks: number[] };
  niceTicks(span: number, count?: number): number[];
  lanesOverlap(bars: Bar[], a: number, b: number): boolean;
}

const load = async <T>(path: string): Promise<T> => (await import(/* @vite-ignore */ new URL(path, import.meta.url).href)) as T;
const { buildTree, filterTree, visibleRows, initiallyOpen } = await load<Tree>('../../renderer/src/layers/tree.ts');
const { ganttLayout, niceTicks, lanesOverlap } = await load<Gantt>('../../renderer/src/profile/gantt.ts');

const ALL = new Set<ChangeKind>(['added', 'modified', 'deleted']);
const entries: LayerEntry[] = [
  { path: '/a', kind: 'added', size: 5 },
  { path: '/data', kind: 'modified', isDirectory: true },
  { path: '/data/gone', kind: 'deleted' },
  { path: '/data/keep', kind: 'modified', size: 13 },
  { path: '/usr/lib/x.so', kind: 'added', size: 1000 },
  { path: '/usr/lib/y.so', kind: 'added' },
];
const paths = (rows: { node: TreeNode; depth: number }[]) => rows.map((r) => `${'  '.repeat(r.depth)}${r.node.name}`);

describe('a layer diff as a tree', () => {
  it('nests paths in folders, sums sizes and counts changes below each folder', () => {
    const root = buildTree(entries);
    expect(root.children.map((c) => c.name)).toEqual(['a', 'data', 'usr']);
    const data = root.children[1]!;
    expect(data).toMatchObject({ kind: 'modified', isDirectory: true, size: 13, count: 3 });
    // /usr and /usr/lib are not in the diff themselves: folders without a kind.
    const usr = root.children[2]!;
    expect(usr.kind).toBeUndefined();
    expect(usr).toMatchObject({ isDirectory: true, size: 1000, count: 2 });
    expect(usr.children[0]!.children.find((c) => c.name === 'y.so')).toMatchObject({ unsized: true, size: 0 });
    expect(root).toMatchObject({ size: 1018, count: 6 });
  });

  it('draws rows for open folders only', () => {
    const root = buildTree(entries);
    expect(paths(visibleRows(root, new Set()))).toEqual(['a', 'data', 'usr']);
    expect(paths(visibleRows(root, new Set(['/usr', '/usr/lib'])))).toEqual(['a', 'data', 'usr', '  lib', '    x.so', '    y.so']);
    expect(visibleRows(root, new Set(), true)).toHaveLength(8);
    expect(visibleRows(root, new Set(), true, 4)).toHaveLength(4);
  });

  it('opens every folder of a small diff, only the top level of a big one', () => {
    const root = buildTree(entries);
    expect([...initiallyOpen(root)].sort()).toEqual(['/data', '/usr', '/usr/lib']);
    expect([...initiallyOpen(root, 3)].sort()).toEqual(['/data', '/usr']);
  });

  it('filters by text (a folder that matches keeps what is below it) and by kind', () => {
    const root = buildTree(entries);
    const rows = (query: string, kinds = ALL) => paths(visibleRows(filterTree(root, query, kinds)!, new Set(), true));
    expect(rows('keep')).toEqual(['data', '  keep']);
    expect(rows('LIB')).toEqual(['usr', '  lib', '    x.so', '    y.so']);
    expect(rows('', new Set<ChangeKind>(['deleted']))).toEqual(['data', '  gone']);
    expect(rows('', new Set<ChangeKind>(['modified']))).toEqual(['data', '  keep']);
    expect(rows('nothing-like-this')).toEqual([]);
  });
});

describe('the timeline', () => {
  const stages = [
    { index: 0, label: 'base' },
    { index: 1, label: 'left' },
    { index: 2, label: 'right' },
  ];

  it('puts each step in its stage\'s lane, placed by start and end relative to the build\'s start', () => {
    const { lanes, bars, span } = ganttLayout(
      stages,
      [
        { id: 'base:1', stage: 0, startedAt: 1000, endedAt: 1100, running: false },
        { id: 'left:2', stage: 1, startedAt: 1100, endedAt: 3100, running: false },
        { id: 'right:2', stage: 2, startedAt: 1150, endedAt: 2150, running: false },
        { id: 'right:3', stage: 2, running: false },
      ],
      1000,
      9999,
    );
    expect(lanes.map((l) => l.label)).toEqual(['base', 'left', 'right']);
    expect(span).toBe(2100);
    expect(bars.map((b) => [b.id, b.lane, b.start, b.end])).toEqual([
      ['base:1', 0, 0, 100],
      ['left:2', 1, 100, 2100],
      ['right:2', 2, 150, 1150],
    ]);
    expect(bars[1]!.left).toBeCloseTo(100 / 2100);
    expect(bars[1]!.left + bars[1]!.width).toBeCloseTo(1);
    // The two stages ran at once; base ran before both.
    expect(lanesOverlap(bars, 1, 2)).toBe(true);
    expect(lanesOverlap(bars, 0, 1)).toBe(false);
  });

  it('a running step grows to now', () => {
    const { bars, span } = ganttLayout(stages, [{ id: 'left:2', stage: 1, startedAt: 1500, running: true }], 1000, 4000);
    expect(bars[0]).toMatchObject({ start: 500, end: 3000 });
    expect(span).toBe(3000);
  });

  it('labels the axis at round times', () => {
    expect(niceTicks(2100)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(60_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(niceTicks(1)).toEqual([0, 1]);
  });
});
