/**
 * Context-relative paths: '/'-separated, no leading `./`, and `.` for the root. Helpers
 * reproduce Go's path.Clean and Go's byte-wise string order, which decide what the engine
 * sees and in which order it walks.
 */

/** Go's path.Clean. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (!rooted) parts.push('..');
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** `path` inside directory `dir` (both context-relative). */
export function childPath(dir: string, name: string): string {
  return dir === '.' ? name : `${dir}/${name}`;
}

/** `path` relative to its ancestor `dir` (both context-relative). */
export function relativeTo(dir: string, path: string): string {
  if (dir === '.') return path;
  return path === dir ? '.' : path.slice(dir.length + 1);
}

/** The absolute file-system path of a context-relative path. */
export function absolutePath(root: string, path: string): string {
  if (path === '.') return root;
  return root.endsWith('/') ? root + path : `${root}/${path}`;
}

/**
 * Go compares strings byte by byte (UTF-8), which is code-point order. JavaScript compares
 * UTF-16 units; the two differ only between astral characters (surrogates) and U+E000..U+FFFF.
 */
export function compareGoStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
