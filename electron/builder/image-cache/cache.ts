/**
 * Slipway's own build cache: (parent image, the step's probe config) -> the image the step made.
 * Newer engines no longer expose an image's ContainerConfig or Parent, so the daemon cannot be
 * asked; the index lives on disk, one small file per entry, written atomically. A hit is trusted
 * only if the image still exists; a torn or unreadable entry is a miss, never an error.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheDecision } from '../../../shared/events';
import { canonicalConfig } from '../image/compare';
import type { RunConfig } from '../image/config';
import { explainMiss } from './explain';
import type { LazySourceFiles, SourceFiles } from './source-files';

export interface CacheEntry {
  parent: string;
  probe: RunConfig;
  imageId: string;
  /** The instruction as written, for explanations. */
  step: string;
  /** COPY/ADD: each source file's hash (absent beyond MAX_SOURCE_FILES), to name what changed. */
  sources?: SourceFiles;
  created: number;
}

export interface CacheLookup {
  imageId?: string;
  decision: CacheDecision;
}

export interface ImageCache {
  /**
   * The image a step with this parent and probe config made before, if it still exists.
   * `sources` only sharpens the explanation of a miss; it is not part of the key.
   */
  lookup(parent: string, probe: RunConfig, step: string, sources?: LazySourceFiles): Promise<CacheLookup>;
  record(entry: Omit<CacheEntry, 'created'>): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export class DiskImageCache implements ImageCache {
  constructor(
    private readonly dir: string,
    private readonly imageExists: (id: string) => Promise<boolean>,
  ) {}

  async lookup(parent: string, probe: RunConfig, step: string, sources?: LazySourceFiles): Promise<CacheLookup> {
    const path = this.entryPath(parent, probe);
    const entry = await this.read(path);
    if (entry && entry.parent === parent && canonicalConfig(entry.probe) === canonicalConfig(probe)) {
      if (await this.imageExists(entry.imageId)) {
        // An entry from before per-file hashes were kept learns them, for the next explanation.
        if (sources && !entry.sources) {
          const files = await sources();
          if (files) await this.write(path, { ...entry, sources: files }).catch(() => {});
        }
        return { imageId: entry.imageId, decision: { hit: true, reason: `same parent and ${describe(probe)} as the build of ${new Date(entry.created).toISOString()}` } };
      }
      return { decision: { hit: false, reason: `the cached image ${entry.imageId.slice(7, 19)} no longer exists`, diff: { kind: 'image-gone', imageId: entry.imageId } } };
    }
    const siblings = await this.siblings(parent);
    const files = siblings.length && sources ? await sources() : undefined;
    return { decision: { hit: false, ...explainMiss({ probe, step, ...(files ? { sources: files } : {}) }, siblings) } };
  }

  async record(entry: Omit<CacheEntry, 'created'>): Promise<void> {
    await this.write(this.entryPath(entry.parent, entry.probe), { ...entry, created: Date.now() });
  }

  /** Written whole to a temporary file and renamed: readers never see half an entry. */
  private async write(path: string, entry: CacheEntry): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(entry));
      await rename(tmp, path);
    } catch (err) {
      // A full disk leaves half a temporary file: not an entry, but not to be left either.
      await rm(tmp, { force: true }).catch(() => {});
      throw new Error(`Slipway could not write its build cache in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  private entryPath(parent: string, probe: RunConfig): string {
    return join(this.dir, digest(parent).slice(0, 32), `${digest(`${parent}\n${canonicalConfig(probe)}`)}.json`);
  }

  private async read(path: string): Promise<CacheEntry | undefined> {
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as CacheEntry;
      if (typeof entry.imageId !== 'string' || !entry.probe) return undefined;
      if (entry.sources !== undefined && (typeof entry.sources !== 'object' || entry.sources === null)) delete entry.sources;
      return entry;
    } catch {
      return undefined;
    }
  }

  private async siblings(parent: string): Promise<CacheEntry[]> {
    const dir = join(this.dir, digest(parent).slice(0, 32));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const entries = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.read(join(dir, n))));
    return entries.filter((e): e is CacheEntry => e !== undefined && e.parent === parent);
  }
}

/** The cache to use with --no-cache: every lookup misses. */
export const noCache: ImageCache = {
  lookup: async () => ({ decision: { hit: false, reason: '--no-cache was given', diff: { kind: 'no-cache' } } }),
  record: async () => {},
};

function describe(probe: RunConfig): string {
  return (probe.Cmd ?? []).some((a) => a.startsWith('#(nop)')) ? 'instruction' : 'command and environment';
}
