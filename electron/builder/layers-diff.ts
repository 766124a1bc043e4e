/**
 * A committed step's filesystem changes, with sizes, read from its container before it is
 * removed. The engine's container diff lists paths only; sizes come from two sources chosen for
 * speed: a directory the step added as a whole is read as one tar stream (headers only: every
 * file below it is new), and any other added or modified path is stat'ed on its own, a bounded
 * number of them, a few at a time. Past the caps, sizes are left out and counted as `unsized`.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { LayerDiff, LayerEntry } from '../../shared/layers';
import type { ExecBackend } from './backend';

export interface DiffLimits {
  /** Paths kept per step; the rest are dropped and the diff is marked truncated. */
  maxEntries: number;
  /** Single-path stats per step. */
  maxStats: number;
  /** Stats at once. */
  statConcurrency: number;
  /** Bytes streamed through tar reads of added directories, per step. */
  maxTarBytes: number;
}

export const DEFAULT_LIMITS: DiffLimits = { maxEntries: 50_000, maxStats: 2_000, statConcurrency: 8, maxTarBytes: 512 * 1024 * 1024 };

/** The diff without the layer size (the caller knows the images). */
export type ReadDiff = Omit<LayerDiff, 'layerSize'>;

export async function readLayerDiff(containers: ExecBackend, id: string, limits: DiffLimits = DEFAULT_LIMITS): Promise<ReadDiff> {
  const changes = await containers.changes(id);
  const sorted = changes.map((c) => ({ path: c.path, kind: c.kind }) as LayerEntry).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const truncated = sorted.length > limits.maxEntries;
  const entries = truncated ? sorted.slice(0, limits.maxEntries) : sorted;
  const byPath = new Map(entries.map((e) => [e.path, e]));

  // A path with changes below it is a directory: no stat needed.
  for (const entry of entries) {
    const parent = byPath.get(posix.dirname(entry.path));
    if (parent && parent !== entry) parent.isDirectory = true;
  }

  await sizeAddedTrees(containers, id, entries, byPath, limits.maxTarBytes);
  await statTheRest(containers, id, entries, limits);

  const unsized = entries.filter((e) => e.kind !== 'deleted' && !e.isDirectory && e.size === undefined).length;
  return { entries, truncated, unsized };
}

/** Top-most added directories with changes below them: each is read once as a tar stream. */
async function sizeAddedTrees(containers: ExecBackend, id: string, entries: LayerEntry[], byPath: Map<string, LayerEntry>, maxBytes: number): Promise<void> {
  const roots = entries.filter((e) => e.kind === 'added' && e.isDirectory && byPath.get(posix.dirname(e.path))?.kind !== 'added');
  let budget = maxBytes;
  for (const root of roots) {
    if (budget <= 0) return;
    const parent = posix.dirname(root.path);
    budget = await readTarHeaders(await containers.getArchive(id, root.path), budget, (name, size, type) => {
      const entry = byPath.get(posix.join(parent, name).replace(/\/+$/, ''));
      // Only paths the diff lists: a volume mounted below an added directory is not in the layer.
      if (!entry || entry.kind === 'deleted') return;
      if (type === 'directory') entry.isDirectory = true;
      entry.size = type === 'file' || type === 'contiguous-file' ? size : 0;
    });
  }
}

/** Calls `onEntry` for every header; stops (destroying the stream) once `budget` bytes went by. */
function readTarHeaders(stream: Readable, budget: number, onEntry: (name: string, size: number, type: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let left = budget;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(left);
    };
    extract.on('entry', (header, body, next) => {
      onEntry(header.name, header.size ?? 0, header.type ?? 'file');
      left -= header.size ?? 0;
      if (left <= 0) {
        stream.destroy();
        extract.destroy();
        finish();
        return;
      }
      body.on('end', next);
      body.resume();
    });
    extract.on('finish', () => finish());
    extract.on('error', finish);
    stream.on('error', finish);
    stream.pipe(extract);
  });
}

/** Stats added or modified paths still without a size, up to the cap, a few at a time. */
async function statTheRest(containers: ExecBackend, id: string, entries: LayerEntry[], limits: DiffLimits): Promise<void> {
  const todo = entries.filter((e) => e.kind !== 'deleted' && !e.isDirectory && e.size === undefined).slice(0, limits.maxStats);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const entry = todo[next++]!;
      const stat = await containers.statPath(id, entry.path);
      if (!stat) continue;
      if (stat.isDirectory) entry.isDirectory = true;
      entry.size = stat.isDirectory || stat.linkTarget ? 0 : stat.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limits.statConcurrency, todo.length) }, worker));
}
