/**
 * Which images a build made, written down as it goes ($SLIPWAY_HOME/running/<buildId>.jsonl),
 * so that nothing half-made outlives a build that never finished. An image is "made" (written
 * down before the engine loads it, or right after a commit) and "kept" once the build's cache
 * index points at it. A build that fails removes what it made and did not keep (a commit whose
 * cache entry could not be written); a build whose process died (kill -9, a crash) leaves its
 * ledger behind, and the start-up sweep removes those images then. Images made by commit also
 * carry the step container's labels until they are rewritten: the sweep finds those by label.
 *
 * The ledger of the build running now is found through AsyncLocalStorage: the image backend is
 * shared by every build of a process, and the build a call belongs to is the one it runs in.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ImageCache } from '../builder/image-cache/cache';
import { processOwner } from './containers';
import { isEngineConnectionError } from './engine';

/** Where an engine's state directory (engine-state.ts) keeps the ledgers of builds running on it (or that died running). */
export const ledgerDir = (engineState: string): string => join(engineState, 'running');

interface LedgerLine {
  owner?: string;
  buildId?: string;
  made?: string;
  kept?: string;
}

export class ImageLedger {
  private readonly made = new Set<string>();
  private readonly kept = new Set<string>();

  private constructor(readonly path: string) {}

  static async open(dir: string, buildId: string): Promise<ImageLedger> {
    await mkdir(dir, { recursive: true });
    const ledger = new ImageLedger(join(dir, `${buildId}.jsonl`));
    await writeFile(ledger.path, line({ owner: processOwner(), buildId }));
    return ledger;
  }

  /**
   * On disk before the caller goes on: a process killed after this leaves the id behind. A
   * ledger that cannot be written (a full disk) still knows it in memory, for the build's end.
   */
  async noteMade(id: string): Promise<void> {
    if (this.made.has(id)) return;
    this.made.add(id);
    await appendFile(this.path, line({ made: id })).catch(() => {});
  }

  async noteKept(id: string): Promise<void> {
    if (this.kept.has(id) || !this.made.has(id)) return;
    this.kept.add(id);
    await appendFile(this.path, line({ kept: id })).catch(() => {});
  }

  /** Images made and not kept: a failed step's partial work. */
  unkept(): string[] {
    return [...this.made].filter((id) => !this.kept.has(id));
  }

  async discard(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

const line = (entry: LedgerLine) => `${JSON.stringify(entry)}\n`;

const current = new AsyncLocalStorage<ImageLedger>();

/** Writes down an image the build running now is about to make (or just made). */
export async function noteImageMade(id: string): Promise<void> {
  await current.getStore()?.noteMade(id);
}

/** A cache that writes down the images its entries point at as kept by the build running now. */
export function keepingCache(cache: ImageCache): ImageCache {
  return {
    lookup: (...args) => cache.lookup(...args),
    async record(entry) {
      await cache.record(entry);
      await current.getStore()?.noteKept(entry.imageId);
    },
  };
}

/**
 * Runs a build with its ledger. A build that did not succeed then removes the images it made
 * and did not keep; removals the engine could not do now (it is away) are handed to `later`
 * and the ledger stays on disk for the next start-up's sweep.
 */
export async function runWithLedger<R extends { status: string }>(
  dir: string,
  buildId: string,
  docker: Docker,
  run: () => Promise<R>,
  later?: (id: string, remove: () => Promise<unknown>) => void,
): Promise<R> {
  let ledger: ImageLedger;
  try {
    ledger = await ImageLedger.open(dir, buildId);
  } catch {
    // No room or no rights in the home: the build still runs (and says why when it fails).
    return run();
  }
  const result = await current.run(ledger, run);
  let keepLedger = false;
  if (result.status !== 'succeeded') {
    for (const id of ledger.unkept()) {
      try {
        await removeHalfMade(docker, id);
      } catch (err) {
        if (!isEngineConnectionError(err)) continue;
        keepLedger = true;
        later?.(id, () => removeHalfMade(docker, id));
      }
    }
  }
  if (!keepLedger) await ledger.discard().catch(() => {});
  return result;
}

/**
 * Removes an image a build made and never finished, unless something else holds it: a tag,
 * a container, a child image (the engine refuses those without force, and we never force).
 * Connection failures are thrown (try again later); every other refusal means "keep it".
 */
export async function removeHalfMade(docker: Docker, id: string): Promise<boolean> {
  try {
    const info = await docker.getImage(id).inspect();
    if ((info.RepoTags ?? []).some((tag) => tag !== '<none>:<none>')) return false;
    await docker.getImage(id).remove({ noprune: true });
    return true;
  } catch (err) {
    if (isEngineConnectionError(err)) throw err;
    return false;
  }
}

/** Ledgers of builds whose process is gone: their half-made images are removed, then the ledger. */
export async function sweepLedgers(docker: Docker, dir: string, isAlive: (owner: string | undefined) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const entries = parseLedger(await readFile(path, 'utf8').catch(() => ''));
    if (isAlive(entries.owner)) continue;
    for (const id of entries.made) {
      if (entries.kept.has(id)) continue;
      if (await removeHalfMade(docker, id)) removed.push(id);
    }
    await rm(path, { force: true });
  }
  return removed;
}

/** A ledger's lines; a torn last line (the process died mid-write) is skipped. */
export function parseLedger(text: string): { owner?: string; made: string[]; kept: Set<string> } {
  let owner: string | undefined;
  const made: string[] = [];
  const kept = new Set<string>();
  for (const raw of text.split('\n')) {
    let entry: LedgerLine;
    try {
      entry = JSON.parse(raw) as LedgerLine;
    } catch {
      continue;
    }
    if (typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.owner === 'string') owner = entry.owner;
    if (typeof entry.made === 'string' && /^sha256:[0-9a-f]{64}$/.test(entry.made)) made.push(entry.made);
    if (typeof entry.kept === 'string') kept.add(entry.kept);
  }
  return { ...(owner !== undefined ? { owner } : {}), made, kept };
}
