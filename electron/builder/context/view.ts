/**
 * The context folder as the engine would have it after a classic `docker build`: only what the
 * CLI's tar carried (ExclusionRules), minus the removed build files, plus the directories the
 * engine creates (mode 0755) to hold entries re-included below an excluded directory. Reads
 * metadata lazily and never follows a symlink; every path stays under the root. What the CLI
 * would send but Slipway cannot carry (named pipes, device files, names that are not UTF-8)
 * fails a copy that includes it, by name (see unsupportedIn), rather than going missing.
 */
import { isUtf8 } from 'node:buffer';
import { promises as fs, type BigIntStats, type Dirent } from 'node:fs';
import { errorCode, unreadableDirectoryError, unreadableFileError, unsupportedEntryError } from './errors';
import { absolutePath, childPath, compareGoStrings } from './paths';
import type { ExclusionRules } from './rules';
import type { ScopedFileSystem } from './scope';

export type NodeType = 'file' | 'directory' | 'symlink';

export interface ContextNode {
  /** Context-relative path; '.' is the root. */
  path: string;
  type: NodeType;
  /** Permission bits with setuid/setgid/sticky, as a tar header carries them. */
  mode: number;
  /** Bytes of a regular file; 0 otherwise. */
  size: number;
  mtimeMs: number;
  nlink: number;
  /** `dev:ino`, to recognise hard links. */
  inode: string;
  /** A directory that was not sent itself; the engine creates it (0755) to hold what was. */
  implicit: boolean;
}

/** The mode the engine gives directories it has to create (go-archive ImpliedDirectoryMode). */
export const IMPLIED_DIRECTORY_MODE = 0o755;

const ON_WINDOWS = process.platform === 'win32';

const MAX_CACHED_STATS = 100_000;

/** A path goes through a file the engine has: Go's lstat fails with ENOTDIR there. */
export class NotADirectoryError extends Error {}

export interface WalkOptions {
  /** Yield the starting directory itself first. */
  includeSelf?: boolean;
  /** Whether to go into a directory (its entries are skipped when false). */
  descend?: (directory: string) => boolean;
  /**
   * For a walk that copies or hashes what it finds: an entry the engine would have but Slipway
   * cannot carry (see unsupportedIn) fails the walk when this says it is wanted. Otherwise such
   * entries are left out without a word (the context inspector lists what it can).
   */
  strict?: (path: string) => boolean;
}

/** A directory listing: entries with UTF-8 names, and the raw names that are not UTF-8. */
interface Listing {
  entries: Dirent[];
  invalidNames: Buffer[];
}

export class ContextView {
  private readonly stats = new Map<string, Promise<BigIntStats | undefined>>();
  private readonly sentBelow = new Map<string, Promise<boolean>>();
  private firstLinks?: Promise<Map<string, string>>;

  constructor(
    readonly root: string,
    readonly rules: ExclusionRules,
  ) {}

  /** The entry the engine has at `path`, or undefined (missing, excluded, removed, special file). */
  async node(path: string): Promise<ContextNode | undefined> {
    if (path === '.') return this.rootNode();
    if (!(await this.parentsPresent(path))) return undefined;
    const stats = await this.lstat(path);
    return stats && this.present(path, stats);
  }

  /** The entry as the CLI's tar carried it (what its tarsum describes), even if removed since. */
  async sentNode(path: string): Promise<ContextNode | undefined> {
    if (path === '.') return undefined;
    const stats = await this.lstat(path);
    const type = stats && nodeType(stats);
    if (!stats || !type || !(await this.parentsAreDirectories(path))) return undefined;
    if (this.rules.walkVerdict(path, type === 'directory') !== 'sent') return undefined;
    return toNode(path, type, stats, false);
  }

  async readlink(path: string): Promise<string> {
    try {
      return await fs.readlink(absolutePath(this.root, path));
    } catch {
      throw unreadableFileError(absolutePath(this.root, path));
    }
  }

  /** The entries of a present directory, in the order Go's filepath.WalkDir visits them. */
  async children(directory: string): Promise<ContextNode[]> {
    // All lstat calls at once: the thread pool overlaps them, in order of the names.
    const nodes = await Promise.all(
      (await this.readdir(directory)).map(async (entry) => {
        const path = childPath(directory, entry.name);
        const stats = await this.lstat(path);
        return stats && this.present(path, stats);
      }),
    );
    return nodes.filter((node) => node !== undefined);
  }

  /** Depth-first, pre-order, names in byte order: the order of Go's filepath.WalkDir. */
  async *walk(directory: string, options: WalkOptions = {}): AsyncGenerator<ContextNode> {
    if (options.includeSelf) {
      const self = await this.node(directory);
      if (self) yield self;
    }
    if (options.strict) await this.rejectUnsupported(directory, options.strict);
    for (const child of await this.children(directory)) {
      yield child;
      if (child.type === 'directory' && (options.descend?.(child.path) ?? true)) {
        yield* this.walk(child.path, { descend: options.descend, strict: options.strict });
      }
    }
  }

  /**
   * What the CLI would send from this present directory that Slipway cannot: named pipes and
   * device files (hashing or packing them would block on the pipe or read the device), and
   * names that are not UTF-8 (paths here are strings). Sockets are left out by the CLI too.
   */
  async unsupportedIn(directory: string): Promise<{ path: string; reason: string }[]> {
    const { entries, invalidNames } = await this.list(directory);
    const found: { path: string; reason: string }[] = [];
    for (const name of invalidNames) {
      const path = childPath(directory, name.toString('utf8'));
      if (this.rules.walkVerdict(path, false) === 'sent') {
        found.push({ path: childPath(directory, escapeBytes(name)), reason: 'its name is not valid UTF-8' });
      }
    }
    for (const entry of entries) {
      const kind = specialKind(entry);
      const path = childPath(directory, entry.name);
      if (kind && this.rules.walkVerdict(path, false) === 'sent' && !this.rules.isRemoved(path)) found.push({ path, reason: `it is ${kind}` });
    }
    return found;
  }

  /** Whether a path the engine has is a named pipe or a device file (see unsupportedIn). */
  async specialFileAt(path: string): Promise<string | undefined> {
    if (path === '.' || !(await this.parentsPresent(path))) return undefined;
    const stats = await this.lstat(path);
    const kind = stats && specialKind(stats);
    if (!kind || this.rules.walkVerdict(path, false) !== 'sent' || this.rules.isRemoved(path)) return undefined;
    return kind;
  }

  private async rejectUnsupported(directory: string, wanted: (path: string) => boolean): Promise<void> {
    for (const { path, reason } of await this.unsupportedIn(directory)) {
      if (wanted(path)) throw unsupportedEntryError(path, reason);
    }
  }

  /**
   * The path under which the CLI's tar first carried this node's inode, when that is another
   * path: the tar then holds this one as a hard link to it (go-archive's SeenFiles).
   */
  async firstLinkOf(node: ContextNode): Promise<string | undefined> {
    if (node.type === 'directory' || node.nlink < 2) return undefined;
    this.firstLinks ??= this.indexHardLinks();
    const first = (await this.firstLinks).get(node.inode);
    return first !== undefined && first !== node.path ? first : undefined;
  }

  /** Symlink resolution against the engine's copy of the context. */
  readonly scope: ScopedFileSystem = {
    isSymlink: async (path) => {
      const node = await this.node(path);
      return node && node.type === 'symlink';
    },
    readlink: (path) => this.readlink(path),
  };

  private async rootNode(): Promise<ContextNode> {
    const stats = await this.lstat('.');
    if (!stats) throw unreadableDirectoryError(this.root);
    return toNode('.', 'directory', stats, false);
  }

  private async present(path: string, stats: BigIntStats): Promise<ContextNode | undefined> {
    const type = nodeType(stats);
    if (!type) return undefined;
    switch (this.rules.walkVerdict(path, type === 'directory')) {
      case 'sent':
        return this.rules.isRemoved(path) ? undefined : toNode(path, type, stats, false);
      case 'walked':
        return (await this.hasSentEntries(path)) ? toNode(path, type, stats, true) : undefined;
      case 'skipped':
        return undefined;
    }
  }

  /**
   * Whether every parent of `path` is present: missing parents make it missing, a present file
   * on the way is Go's ENOTDIR (which the classic builder reports as a forbidden path).
   */
  private async parentsPresent(path: string): Promise<boolean> {
    let parent = '.';
    for (const name of path.split('/').slice(0, -1)) {
      parent = childPath(parent, name);
      const stats = await this.lstat(parent);
      if (!stats || stats.isSymbolicLink()) return false;
      if (!stats.isDirectory()) {
        if (await this.present(parent, stats)) throw new NotADirectoryError(`${parent}: not a directory`);
        return false;
      }
    }
    return true;
  }

  private async parentsAreDirectories(path: string): Promise<boolean> {
    let parent = '.';
    for (const name of path.split('/').slice(0, -1)) {
      parent = childPath(parent, name);
      if (!(await this.lstat(parent))?.isDirectory()) return false;
    }
    return true;
  }

  /** Whether the CLI's tar carried anything below this walked-through directory. */
  private hasSentEntries(directory: string): Promise<boolean> {
    let known = this.sentBelow.get(directory);
    if (!known) {
      known = (async () => {
        for (const entry of await this.readdir(directory)) {
          const path = childPath(directory, entry.name);
          const isDirectory = entry.isDirectory();
          if (!isDirectory && !entry.isFile() && !entry.isSymbolicLink()) continue;
          const verdict = this.rules.walkVerdict(path, isDirectory);
          if (verdict === 'sent') return true;
          if (verdict === 'walked' && (await this.hasSentEntries(path))) return true;
        }
        return false;
      })();
      this.sentBelow.set(directory, known);
    }
    return known;
  }

  /** Walks everything the CLI's tar carried, in its order, noting each inode's first path. */
  private async indexHardLinks(): Promise<Map<string, string>> {
    const first = new Map<string, string>();
    const visit = async (directory: string): Promise<void> => {
      for (const entry of await this.readdir(directory)) {
        const path = childPath(directory, entry.name);
        if (entry.isDirectory()) {
          if (this.rules.walkVerdict(path, true) !== 'skipped') await visit(path);
          continue;
        }
        if (this.rules.walkVerdict(path, false) !== 'sent') continue;
        const stats = await this.lstat(path);
        if (stats && stats.nlink > 1n && !ON_WINDOWS && nodeType(stats)) {
          const inode = `${stats.dev}:${stats.ino}`;
          if (!first.has(inode)) first.set(inode, path);
        }
      }
    };
    await visit('.');
    return first;
  }

  private lstat(path: string): Promise<BigIntStats | undefined> {
    let known = this.stats.get(path);
    if (!known) {
      // A cache, not a snapshot: start over rather than hold a huge context's metadata.
      if (this.stats.size >= MAX_CACHED_STATS) this.stats.clear();
      const absolute = absolutePath(this.root, path);
      known = fs.lstat(absolute, { bigint: true }).catch((err: unknown) => {
        const code = errorCode(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw unreadableDirectoryError(absolute);
      });
      this.stats.set(path, known);
    }
    return known;
  }

  private async readdir(directory: string): Promise<Dirent[]> {
    return (await this.list(directory)).entries;
  }

  /** Names are read as bytes: decoding a name that is not UTF-8 would change it (to U+FFFD). */
  private async list(directory: string): Promise<Listing> {
    const absolute = absolutePath(this.root, directory);
    let raw: Dirent<Buffer>[];
    try {
      raw = await fs.readdir(absolute, { withFileTypes: true, encoding: 'buffer' });
    } catch {
      throw unreadableDirectoryError(absolute);
    }
    const entries: Dirent[] = [];
    const invalidNames: Buffer[] = [];
    for (const entry of raw) {
      if (!isUtf8(entry.name)) invalidNames.push(entry.name);
      else entries.push(Object.assign(entry, { name: entry.name.toString('utf8') }) as unknown as Dirent);
    }
    return { entries: entries.sort((a, b) => compareGoStrings(a.name, b.name)), invalidNames };
  }
}

function nodeType(stats: BigIntStats): NodeType | undefined {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  // Sockets, FIFOs and devices are left out. (The CLI sends FIFOs and devices, which a context
  // hardly ever holds; Slipway could not hash or pack them like regular entries anyway.)
  return undefined;
}

/** What a named pipe or device file is called in messages; undefined for anything else. */
function specialKind(entry: Pick<Dirent, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice'>): string | undefined {
  if (entry.isFIFO()) return 'a named pipe';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device file';
  return undefined;
}

/** A raw name for messages: ASCII as is, every other byte as \xNN. */
function escapeBytes(name: Buffer): string {
  let out = '';
  for (const byte of name) out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}

function toNode(path: string, type: NodeType, stats: BigIntStats, implicit: boolean): ContextNode {
  let mode = Number(stats.mode & 0o7777n);
  // The CLI on Windows sends everything executable and not group/world-writable, and no hard links.
  if (ON_WINDOWS) mode = (mode & 0o755) | 0o111;
  return {
    path,
    type,
    mode: implicit ? IMPLIED_DIRECTORY_MODE : mode,
    size: type === 'file' ? Number(stats.size) : 0,
    mtimeMs: Number(stats.mtimeNs / 1_000_000n),
    nlink: ON_WINDOWS ? 1 : Number(stats.nlink),
    inode: `${stats.dev}:${stats.ino}`,
    implicit,
  };
}
