/**
 * A build context folder, read lazily: only what a step names is resolved, hashed or packed,
 * and everything is answered as the engine would see the folder after a classic
 * `docker build` (see rules.ts and view.ts).
 */
import { promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { resolve as resolveAbsolute, sep } from 'node:path';
import { ContextError, errorCode } from './errors';
import { ContextHasher } from './hash';
import { IgnorePatternError, readIgnoreFile } from './ignore';
import { packEntries, type PackItem, type PackOptions } from './pack';
import { cleanPath } from './paths';
import { streamContextFile } from './read';
import { resolveSource } from './resolve';
import { ExclusionRules } from './rules';
import { entryFromNode, type ContextEntry } from './types';
import { ContextView, type ContextNode } from './view';

export interface OpenOptions {
  /** The Dockerfile's path relative to the root, when it lies inside the context. */
  dockerfile?: string;
}

export interface ContextWalkOptions {
  /** Only this directory (context-relative) and what lies below it. */
  under?: string;
}

export class ContextSource {
  private closed = false;

  private constructor(
    /** The context folder with symlinks resolved. */
    readonly root: string,
    /** The .dockerignore patterns as read (cleaned, `!` kept). */
    readonly ignorePatterns: readonly string[],
    private readonly rules: ExclusionRules,
    private readonly view: ContextView,
    private readonly hasher: ContextHasher,
  ) {}

  static async open(root: string, options: OpenOptions = {}): Promise<ContextSource> {
    const realRoot = await resolveRoot(root);
    const patterns = await readDockerignore(realRoot);
    let rules: ExclusionRules;
    try {
      rules = new ExclusionRules(patterns, dockerfileInside(options.dockerfile));
    } catch (err) {
      if (err instanceof IgnorePatternError) throw new ContextError(`error reading .dockerignore: ${err.message}`);
      throw err;
    }
    const view = new ContextView(realRoot, rules);
    return new ContextSource(realRoot, patterns, rules, view, new ContextHasher(view));
  }

  /**
   * The .dockerignore verdict for a context-relative path: true unless it reaches the engine.
   * A directory excluded but holding re-included entries is excluded itself (the engine
   * recreates it, mode 0755, to hold them).
   */
  isExcluded(path: string): boolean {
    this.assertOpen();
    return this.rules.isExcluded(path);
  }

  /**
   * The entries one COPY/ADD source names (already variable-expanded). Symlinks are followed
   * inside the context. A wildcard that matches nothing gives [] (the builder reports
   * `no source files were specified` when all sources of the instruction give nothing).
   */
  resolve(source: string): Promise<ContextEntry[]> {
    this.assertOpen();
    return resolveSource(this.view, source);
  }

  /** `file:<hex>` / `dir:<hex>`, exactly as the classic builder records the source. */
  hash(entry: ContextEntry): Promise<string> {
    this.assertOpen();
    return this.hasher.hash(entry);
  }

  /**
   * The bytes of a file entry (a followed symlink's target), streamed: e.g. for ADD to detect
   * and send a local archive, which `PUT /containers/{id}/archive` unpacks itself.
   */
  read(entry: ContextEntry): Readable {
    this.assertOpen();
    if (entry.type !== 'file') throw new ContextError(`${entry.path} is not a file`);
    return Readable.from(streamContextFile(this.root, entry.resolvedPath, entry.size), { objectMode: false });
  }

  /** A tar stream of the given entries, for `PUT /containers/{id}/archive`. */
  pack(items: readonly PackItem[], options?: PackOptions): Readable {
    this.assertOpen();
    return packEntries(this.view, items, options);
  }

  /** Everything the engine would receive, in walk order, with sizes (for the context inspector). */
  async *walk(options: ContextWalkOptions = {}): AsyncGenerator<ContextEntry> {
    this.assertOpen();
    const under = cleanPath((options.under ?? '.').replace(/^\/+/, ''));
    const start = await this.view.node(under);
    if (!start) return;
    if (start.type !== 'directory') {
      yield await this.toEntry(start);
      return;
    }
    for await (const node of this.view.walk(under, { includeSelf: under !== '.' })) yield await this.toEntry(node);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async toEntry(node: ContextNode): Promise<ContextEntry> {
    const target = node.type === 'symlink' ? await this.view.readlink(node.path) : undefined;
    return entryFromNode(node, node.path, target);
  }

  private assertOpen(): void {
    if (this.closed) throw new ContextError('the build context has been closed');
  }
}

/** The CLI's checks: the folder must exist and be a directory; a symlinked root is resolved once. */
async function resolveRoot(root: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(resolveAbsolute(root));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw new ContextError(`unable to prepare context: path "${root}" not found`);
    throw new ContextError(`unable to evaluate symlinks in context path: ${(err as Error).message}`);
  }
  if (!(await fs.stat(real)).isDirectory()) throw new ContextError(`context must be a directory: ${real}`);
  return real;
}

/** The root's .dockerignore; like the CLI a dangling one counts as none, but it is never read from outside. */
async function readDockerignore(root: string): Promise<string[]> {
  let path: string;
  try {
    path = await fs.realpath(`${root}${sep}.dockerignore`);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw new ContextError(`error reading .dockerignore: ${(err as Error).message}`);
  }
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new ContextError(`error reading .dockerignore: it leads outside the build context, to ${path}`);
  }
  try {
    return readIgnoreFile(await fs.readFile(path));
  } catch (err) {
    throw new ContextError(`error reading .dockerignore: ${(err as Error).message}`);
  }
}

function dockerfileInside(dockerfile: string | undefined): string | undefined {
  if (dockerfile === undefined) return undefined;
  const clean = cleanPath(dockerfile.replace(/^\/+/, ''));
  return clean === '.' || clean === '..' || clean.startsWith('../') ? undefined : clean;
}
