import type { ContextNode } from './view';

/** A file, directory or symlink of the build context, as a COPY/ADD step sees it. */
export interface ContextEntry {
  /**
   * Context-relative, '/'-separated, no leading './'; '.' is the root. For a resolved COPY
   * source it is the source as written (cleaned), which names the copy: `COPY link /d/`
   * creates `/d/link` even when `link` is a symlink to `file`.
   */
  path: string;
  /** Where the content is read from: `path` with its symlinks followed inside the context. */
  resolvedPath: string;
  type: 'file' | 'directory' | 'symlink';
  /** Bytes of a file; 0 for directories and symlinks (as in a tar header). */
  size: number;
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  mtimeMs: number;
  /** A symlink's target, as stored. */
  linkTarget?: string;
  /**
   * A directory the engine would create itself (mode 0755) because .dockerignore excludes it
   * but re-includes something below it.
   */
  implicit?: boolean;
}

export function entryFromNode(node: ContextNode, path = node.path, linkTarget?: string): ContextEntry {
  const entry: ContextEntry = {
    path,
    resolvedPath: node.path,
    type: node.type,
    size: node.size,
    mode: node.mode,
    mtimeMs: node.mtimeMs,
  };
  if (linkTarget !== undefined) entry.linkTarget = linkTarget;
  if (node.implicit) entry.implicit = true;
  return entry;
}
