/**
 * Mount points the engine had to create: a mount's target (and its missing parents) appear in
 * the container's filesystem and a commit would keep them, empty. BuildKit removes such stubs
 * after the command when they are still empty, and restores the parent's times; this finds the
 * same set from the container's diff.
 */
import { posix } from 'node:path';
import type { PathChange } from '../backend';

/** A target and every parent of it that `exists` says is missing, deepest first. */
export async function missingPaths(targets: readonly string[], exists: (path: string) => Promise<boolean>): Promise<string[]> {
  const missing = new Set<string>();
  const known = new Map<string, boolean>();
  const check = async (path: string) => {
    if (!known.has(path)) known.set(path, await exists(path));
    return known.get(path)!;
  };
  for (const target of targets) {
    for (let p = target; p !== '/' && p !== '.'; p = posix.dirname(p)) {
      if (missing.has(p) || (await check(p))) break;
      missing.add(p);
    }
  }
  return [...missing].sort((a, b) => depth(b) - depth(a) || a.localeCompare(b));
}

/**
 * The layer paths to take out (no leading `/`): stubs still holding nothing but other stubs,
 * and existing directories the commit would keep only because a stub was made in them.
 */
export function stubsToRemove(missing: readonly string[], changes: readonly PathChange[]): Set<string> {
  const changed = new Map(changes.map((c) => [c.path, c.kind]));
  const removed = new Set<string>();
  const onlyRemovedBelow = (dir: string) => {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    for (const path of changed.keys()) if (path.startsWith(prefix) && !removed.has(path)) return false;
    return true;
  };

  const stubs = [...missing].filter((p) => changed.get(p) === 'added').sort((a, b) => depth(b) - depth(a));
  for (const stub of stubs) if (onlyRemovedBelow(stub)) removed.add(stub);

  // Parents that existed and changed only by getting a stub: their copy in the layer goes too.
  const parents = [...new Set([...removed].map((p) => posix.dirname(p)))].filter((p) => p !== '/' && !missing.includes(p));
  for (const start of parents.sort((a, b) => depth(b) - depth(a))) {
    for (let p = start; p !== '/'; p = posix.dirname(p)) {
      if (removed.has(p)) continue;
      if (changed.get(p) !== 'modified' || !onlyRemovedBelow(p)) break;
      removed.add(p);
    }
  }
  return new Set([...removed].map((p) => p.replace(/^\/+/, '')));
}

function depth(path: string): number {
  return path.split('/').length;
}
