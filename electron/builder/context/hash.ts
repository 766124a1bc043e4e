/**
 * The classic builder's source digests, as `docker history` shows them (`COPY file:<hex> in /`).
 * The engine takes each path's tarsum v1 from the tar the CLI sent: sha256 over the header
 * fields name, mode, uid, gid, size, typeflag, linkname, uname, gname, devmajor, devminor (no
 * mtime; uid/gid 0 as the CLI writes them, names blanked by tarsum) and then the content.
 * Checked against a real engine: files, directories, symlinks, hard links, implied directories.
 */
import { createHash, type Hash } from 'node:crypto';
import { readSmallContextFile, SMALL_FILE_SIZE, streamContextFile } from './read';
import { compareGoStrings } from './paths';
import { followSymlinksInScope } from './scope';
import type { ContextEntry } from './types';
import type { ContextNode, ContextView } from './view';

const PARALLEL_FILES = 16;

/** A copied directory takes everything in it: what Slipway cannot carry must fail the copy. */
const everything = (): boolean => true;

export class ContextHasher {
  private readonly sums = new Map<string, Promise<string>>();

  constructor(private readonly view: ContextView) {}

  /**
   * `file:<tarsum>` for a file (of the symlink's target for a followed source), `dir:<sha256>`
   * over the sorted hashes of everything in a directory, itself included unless it is the root.
   */
  async hash(entry: ContextEntry): Promise<string> {
    if (entry.type === 'directory') return this.directoryHash(entry.resolvedPath);
    if (entry.type === 'file') return `file:${await this.sumOr(entry.resolvedPath, entry.path)}`;
    // A symlink handed in from walk(): what COPY of that path would record.
    return `file:${(await this.linkHash(entry.path)) ?? entry.path}`;
  }

  private async directoryHash(directory: string): Promise<string> {
    const nodes: ContextNode[] = [];
    for await (const node of this.view.walk(directory, { includeSelf: directory !== '.', strict: everything })) nodes.push(node);
    const hashes: string[] = [];
    await forEachLimited(nodes, PARALLEL_FILES, async (node) => {
      const hash = await this.pathHash(node);
      if (hash !== undefined) hashes.push(hash);
    });
    hashes.sort(compareGoStrings);
    return `dir:${sha256(hashes.join(','))}`;
  }

  /**
   * The engine's Hash(path): the tarsum of where the path leads (symlinks followed in scope),
   * or the path itself when the tar had nothing there (dangling link, implied directory).
   * Undefined where Go errors and the entry is left out (a symlink loop).
   */
  private async pathHash(node: ContextNode): Promise<string | undefined> {
    if (node.type === 'symlink') return this.linkHash(node.path);
    // Anything else leads to itself, and the tar had it unless the engine implied it.
    return node.implicit ? node.path : this.sum(node.path, () => Promise.resolve(node));
  }

  private async linkHash(path: string): Promise<string | undefined> {
    let target: string;
    try {
      target = await followSymlinksInScope(this.view.scope, path);
    } catch {
      return undefined;
    }
    return this.sumOr(target, path);
  }

  private async sumOr(path: string, fallback: string): Promise<string> {
    return (await this.sum(path, () => this.view.sentNode(path))) || fallback;
  }

  /** The tarsum of a path the CLI's tar carried; '' when it carried nothing there. Cached. */
  private sum(path: string, sentNode: () => Promise<ContextNode | undefined>): Promise<string> {
    let sum = this.sums.get(path);
    if (!sum) {
      sum = sentNode().then((node) => (node ? this.tarsum(node) : ''));
      this.sums.set(path, sum);
    }
    return sum;
  }

  private async tarsum(node: ContextNode): Promise<string> {
    let name = node.path;
    let size = 0;
    let typeflag: string;
    let linkname = '';
    const firstLink = await this.view.firstLinkOf(node);
    if (node.type === 'directory') {
      name += '/';
      typeflag = '5';
    } else if (firstLink !== undefined) {
      typeflag = '1';
      linkname = firstLink;
    } else if (node.type === 'symlink') {
      typeflag = '2';
      linkname = await this.view.readlink(node.path);
    } else {
      typeflag = '0';
      size = node.size;
    }
    const hash = createHash('sha256');
    hash.update(
      `name${name}mode${node.mode}uid0gid0size${size}typeflag${typeflag}linkname${linkname}` +
        'unamegnamedevmajor0devminor0',
    );
    if (typeflag === '0') await hashContent(hash, this.view.root, node);
    return hash.digest('hex');
  }
}

/** The hash of an instruction's sources: the only one as is, several as `multi:<sha256>`. */
export function combineSourceHashes(hashes: readonly string[]): string {
  return hashes.length === 1 ? hashes[0]! : `multi:${sha256(hashes.join(','))}`;
}

async function hashContent(hash: Hash, root: string, node: ContextNode): Promise<void> {
  if (node.size <= SMALL_FILE_SIZE) hash.update(await readSmallContextFile(root, node.path, node.size));
  else for await (const chunk of streamContextFile(root, node.path, node.size)) hash.update(chunk);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
