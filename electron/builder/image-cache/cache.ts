/**
 * Slipway's own build cache: (parent image, the step's probe config) -> the image the step made.
 * Newer engines no longer expose an image's ContainerConfig or Parent, so the daemon cannot be
 * asked; the index lives on disk, one small file per entry, written atomically. A hit is trusted
 * only if the image still exists; a torn or unreadable entry is a miss, never an error.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheDecision } from '../../../shared/events';
import { canonicalConfig } from '../image/compare';
import type { RunConfig } from '../image/config';
import { explainMiss } from './explain';

export interface CacheEntry {
  parent: string;
  probe: RunConfig;
  imageId: string;
  /** The instruction as written, for explanations. */
  step: string;
  created: number;
}

export interface CacheLookup {
  imageId?: string;
  decision: CacheDecision;
}

export interface ImageCache {
  /** The image a step with this parent and probe config made before, if it still exists. */
  lookup(parent: string, probe: RunConfig, step: string): Promise<CacheLookup>;
  record(entry: Omit<CacheEntry, 'created'>): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

export class DiskImageCache implements ImageCache {
  constructor(
    private readonly dir: string,
    private readonly imageExists: (id: string) => Promise<boolean>,
  ) {}

  async lookup(parent: string, probe: RunConfig, step: string): Promise<CacheLookup> {
    const entry = await this.read(this.entryPath(parent, probe));
    if (entry && entry.parent === parent && canonicalConfig(entry.probe) === canonicalConfig(probe)) {
      if (await this.imageExists(entry.imageId)) {
        return { imageId: entry.imageId, decision: { hit: true, reason: `same parent and ${describe(probe)} as the build of ${new Date(entry.created).toISOString()}` } };
      }
      return { decision: { hit: false, reason: `the cached image ${entry.imageId.slice(7, 19)} no longer exists` } };
    }
    const siblings = await this.siblings(parent);
    return { decision: { hit: false, reason: explainMiss(probe, step, siblings) } };
  }

  async record(entry: Omit<CacheEntry, 'created'>): Promise<void> {
    const path = this.entryPath(entry.parent, entry.probe);
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify({ ...entry, created: Date.now() }));
    await rename(tmp, path);
  }

  private entryPath(parent: string, probe: RunConfig): string {
    return join(this.dir, digest(parent).slice(0, 32), `${digest(`${parent}\n${canonicalConfig(probe)}`)}.json`);
  }

  private async read(path: string): Promise<CacheEntry | undefined> {
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as CacheEntry;
      return typeof entry.imageId === 'string' && entry.probe ? entry : undefined;
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
  lookup: async () => ({ decision: { hit: false, reason: '--no-cache was given' } }),
  record: async () => {},
};

function describe(probe: RunConfig): string {
  return (probe.Cmd ?? []).some((a) => a.startsWith('#(nop)')) ? 'instruction' : 'command and environment';
}
