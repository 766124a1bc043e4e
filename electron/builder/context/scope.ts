/**
 * moby/sys symlink.FollowSymlinkInScope on context-relative paths: symlinks are followed, but
 * an absolute target or `..` never climbs above the context root (`/etc/passwd` means
 * `<root>/etc/passwd`). Missing components are accepted as they are. The classic builder
 * resolves every COPY source this way, against the files the engine received.
 */

export interface ScopedFileSystem {
  /** Whether `path` is a symlink; undefined when it does not exist. May throw (e.g. not a directory). */
  isSymlink(path: string): Promise<boolean | undefined>;
  readlink(path: string): Promise<string>;
}

/** Go gives up after this many path components (links included). */
const MAX_ITERATIONS = 255;

export class SymlinkLoopError extends Error {}

/** Resolves `path` (context-relative, cleaned, inside the root) to a symlink-free path. */
export async function followSymlinksInScope(fs: ScopedFileSystem, path: string): Promise<string> {
  let remaining = path === '.' ? '' : path;
  // The resolved part so far, each component followed by '/' (may hold `..`, cleaned later).
  let resolved = '';
  for (let n = 0; remaining !== ''; n++) {
    if (n > MAX_ITERATIONS) throw new SymlinkLoopError(`too many links in ${path}`);
    const slash = remaining.indexOf('/');
    const component = slash < 0 ? remaining : remaining.slice(0, slash);
    remaining = slash < 0 ? '' : remaining.slice(slash + 1);
    if (component === '') continue;

    const candidate = clean(`${resolved}${component}`);
    if (candidate === '.') {
      // Never look at the root itself: `..` at the top stays at the top.
      resolved = '';
      continue;
    }
    if ((await fs.isSymlink(candidate)) !== true) {
      resolved += `${component}/`;
      continue;
    }
    const target = await fs.readlink(candidate);
    if (target.startsWith('/')) resolved = '';
    remaining = `${target}/${remaining}`;
  }
  return clean(resolved);
}

/** Cleans a path as if rooted at the context, so `..` cannot leave it; '.' is the root. */
function clean(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
