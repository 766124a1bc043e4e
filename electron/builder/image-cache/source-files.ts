/**
 * The per-file side of a COPY/ADD cache key. The probe holds only the combined source hash
 * (as the classic builder's does); to say which context file made a step miss, the cache entry
 * also keeps every source file's own hash, up to a bound.
 */
import type { ContextEntry, ContextSource } from '../context';
import { isUrl } from '../copy/download';

/** Beyond this many files only the combined hash is kept. */
export const MAX_SOURCE_FILES = 10_000;

/** Context path (or URL) -> `file:<tarsum>`, `dir:<mode>` for directories. */
export type SourceFiles = Record<string, string>;

/** Computed only when needed (a miss to explain, an entry to record), then remembered. */
export type LazySourceFiles = () => Promise<SourceFiles | undefined>;

class TooManyFiles extends Error {}

/** sourceFileHashes, deferred: a cache hit usually never asks. */
export function lazySourceFileHashes(
  context: ContextSource,
  sources: readonly string[],
  downloads: readonly { hash: string }[] = [],
  inline: readonly InlineSource[] = [],
): LazySourceFiles {
  let files: Promise<SourceFiles | undefined> | undefined;
  return () => (files ??= sourceFileHashes(context, sources, downloads, inline));
}

/** A heredoc source (`COPY <<EOF name`): recorded as `(heredoc) name`. */
export interface InlineSource {
  name: string;
  hash: string;
}

/**
 * The files one COPY/ADD's sources name, each with its hash. `downloads` are the URL sources'
 * hashes, in source order; `inline` the heredoc sources'. Undefined beyond MAX_SOURCE_FILES.
 */
export async function sourceFileHashes(
  context: ContextSource,
  sources: readonly string[],
  downloads: readonly { hash: string }[] = [],
  inline: readonly InlineSource[] = [],
  limit = MAX_SOURCE_FILES,
): Promise<SourceFiles | undefined> {
  const files: SourceFiles = {};
  let count = 0;
  const add = (path: string, hash: string) => {
    if (!(path in files) && ++count > limit) throw new TooManyFiles();
    files[path] = hash;
  };
  let download = 0;
  try {
    for (const source of sources) {
      if (isUrl(source)) {
        const fetched = downloads[download++];
        if (fetched) add(source, fetched.hash);
        continue;
      }
      for (const entry of await context.resolve(source)) await addEntry(context, entry, add);
    }
    for (const { name, hash } of inline) add(`(heredoc) ${name}`, hash);
  } catch (err) {
    if (err instanceof TooManyFiles) return undefined;
    throw err;
  }
  return files;
}

async function addEntry(context: ContextSource, entry: ContextEntry, add: (path: string, hash: string) => void): Promise<void> {
  if (entry.type !== 'directory') {
    add(entry.path, await context.hash(entry));
    return;
  }
  // A directory's own hash covers its entries' tarsums; these are the same ones, already cached.
  for await (const inner of context.walk({ under: entry.resolvedPath })) {
    if (inner.type === 'directory') add(`${inner.path === '.' ? '' : inner.path}/`, `dir:${inner.mode.toString(8)}`);
    else add(inner.path, await context.hash(inner));
  }
}

/** Which paths differ between two recorded sets of source files. */
export function diffSourceFiles(before: SourceFiles, after: SourceFiles): { changed: string[]; added: string[]; removed: string[] } {
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const [path, hash] of Object.entries(after)) {
    if (!(path in before)) added.push(path);
    else if (before[path] !== hash) changed.push(path);
  }
  for (const path of Object.keys(before)) if (!(path in after)) removed.push(path);
  return { changed: changed.sort(), added: added.sort(), removed: removed.sort() };
}
