/**
 * COPY/ADD sources, resolved the way copy.go's calcCopyInfo does against the context the engine
 * received: one leading `/` then one `./` are dropped, wildcards are matched with Go's
 * filepath.Match against every context path in walk order, and each path is followed through
 * symlinks without leaving the context.
 */
import { forbiddenPathError, notFoundError, unsupportedEntryError } from './errors';
import { containsWildcards, matchGoPattern } from './match';
import { cleanPath } from './paths';
import { followSymlinksInScope, SymlinkLoopError } from './scope';
import { entryFromNode, type ContextEntry } from './types';
import { NotADirectoryError, type ContextView } from './view';

/**
 * Every entry one source names. A wildcard that matches nothing gives an empty list (classic
 * fails only when all sources of the instruction give nothing: `no source files were specified`).
 */
export async function resolveSource(view: ContextView, source: string): Promise<ContextEntry[]> {
  let path = source;
  if (path.startsWith('/')) path = path.slice(1);
  if (path.startsWith('./')) path = path.slice(2);
  if (!containsWildcards(path)) return [await resolvePath(view, path)];

  const entries: ContextEntry[] = [];
  // What the pattern matches but Slipway cannot carry fails the copy instead of going missing.
  const strict = (candidate: string) => matchGoPattern(path, candidate);
  for await (const node of view.walk('.', { descend: wildcardDescent(path), strict })) {
    // A matched path is resolved like a plain one, so a matched dangling symlink still fails.
    if (matchGoPattern(path, node.path)) entries.push(await resolvePath(view, node.path));
  }
  return entries;
}

/** One path: symlinks followed inside the context; `..` above the root is forbidden. */
export async function resolvePath(view: ContextView, path: string): Promise<ContextEntry> {
  // Go joins the path to the root, so leading slashes are only separators.
  const clean = cleanPath(path.replace(/^\/+/, ''));
  if (clean === '..' || clean.startsWith('../')) throw forbiddenPathError(path);
  try {
    const target = await followSymlinksInScope(view.scope, clean);
    const node = await view.node(target);
    if (!node) {
      const special = await view.specialFileAt(target);
      throw special ? unsupportedEntryError(clean, `it is ${special}`) : notFoundError(path);
    }
    return entryFromNode(node, clean);
  } catch (err) {
    // Go fails these inside FollowSymlinkInScope, which the engine reports as a forbidden path.
    if (err instanceof NotADirectoryError || err instanceof SymlinkLoopError) throw forbiddenPathError(path);
    throw err;
  }
}

/**
 * Which directories a wildcard walk must enter. `*` and `?` never match `/`, so a match has
 * at most as many `/` as the pattern has `/` and classes; and without classes or escapes the
 * pattern splits into per-directory patterns that each directory on the way must match.
 */
function wildcardDescent(pattern: string): (directory: string) => boolean {
  const maxSlashes = countOf(pattern, '/') + countOf(pattern, '[');
  const segments = pattern.includes('[') || pattern.includes('\\') ? undefined : pattern.split('/');
  return (directory) => {
    const names = directory.split('/');
    if (names.length > maxSlashes) return false;
    if (!segments) return true;
    return names.length < segments.length && names.every((name, i) => matchGoPattern(segments[i]!, name));
  };
}

function countOf(text: string, ch: string): number {
  return text.split(ch).length - 1;
}
