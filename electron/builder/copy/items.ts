/**
 * What one COPY/ADD source resolves to: items that each know their cache hash and can write
 * themselves as a tar at a destination. Three origins: the build context, another stage or
 * image (COPY --from), and a URL (ADD).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ExecBackend } from '../backend';
import type { ContextSource, ContextEntry } from '../context';
import { matchGoPattern } from '../context';
import { chownHeader, type Identity } from './chown';
import { isArchiveHead, readHead } from './archive-detect';
import type { Download } from './download';
import { retar } from './retar';

export interface CopyItem {
  /** `file:<hex>` or `dir:<hex>`: the classic builder's source hash, for the cache and history. */
  hash: string;
  kind: 'file' | 'directory';
  /** The name used when the destination is a directory. */
  name: string;
  /** Where the item was found: context-relative, or the absolute path in an image (for --parents). */
  path?: string;
  /** ADD: a local archive, to be extracted at the destination. */
  archive: boolean;
  /**
   * A tar placing the item at `target` (an absolute path): a file becomes `target`, a
   * directory's contents go under it (the directory itself is the caller's to create).
   * `identity` undefined keeps the owners the source has.
   */
  tar(target: string, identity: Identity | undefined): Promise<Readable>;
  /** The archive itself, for the engine to extract (archive items only). */
  raw(): Readable;
}

const rel = (path: string) => path.replace(/^\/+/, '');

export async function contextItems(context: ContextSource, source: string, allowArchives: boolean): Promise<CopyItem[]> {
  const entries = await context.resolve(source);
  return Promise.all(entries.map((entry) => contextItem(context, entry, allowArchives)));
}

async function contextItem(context: ContextSource, entry: ContextEntry, allowArchives: boolean): Promise<CopyItem> {
  const kind = entry.type === 'directory' ? 'directory' : 'file';
  // Read through the context, never by path: `link -> ../x.tar` resolves inside the context
  // (to `x.tar` there), while the file system would follow it out of the context.
  const archive = allowArchives && kind === 'file' && isArchiveHead(await readHead(context.read(entry)));
  return {
    hash: await context.hash(entry),
    kind,
    name: posix.basename(entry.path),
    path: entry.path,
    archive,
    async tar(target, identity) {
      const owner = identity ?? { uid: 0, gid: 0 };
      const packed = context.pack([{ entry, name: rel(target) }], owner) as unknown as Readable;
      // The destination directory itself is created by the caller with the classic rules.
      return retar(packed, (h) => (kind === 'directory' && h.name.replace(/\/$/, '') === rel(target) ? undefined : chownHeader(h, owner)));
    },
    raw: () => context.read(entry),
  };
}

export function urlItem(download: Download): CopyItem {
  return {
    hash: download.hash,
    kind: 'file',
    name: download.name || '__unnamed__',
    archive: false,
    async tar(target, identity) {
      const pack = tar.pack();
      const { mtimeMs } = await stat(download.path);
      const sink = pack.entry({ name: rel(target), size: download.size, mode: 0o600, uid: identity?.uid ?? 0, gid: identity?.gid ?? 0, mtime: new Date(mtimeMs) });
      createReadStream(download.path).pipe(sink as unknown as NodeJS.WritableStream).on('finish', () => pack.finalize());
      return pack as unknown as Readable;
    },
    raw: () => createReadStream(download.path),
  };
}

/** Files of another stage's image, or of any image, read through a created (never started) container. */
export class ImageFiles {
  constructor(
    private readonly containers: ExecBackend,
    private readonly containerId: string,
    private readonly imageId: string,
  ) {}

  async items(source: string, origin: string): Promise<CopyItem[]> {
    const path = posix.normalize(`/${source.replace(/^\.\//, '')}`);
    const paths = /[*?[]/.test(path) ? await this.glob(path) : [path];
    const items: CopyItem[] = [];
    for (const p of paths) {
      // A symlink source is followed (within the image), and named as the link.
      let target = p;
      let stat = await this.containers.statPath(this.containerId, target);
      for (let hops = 0; stat?.linkTarget && hops < 40; hops++) {
        target = posix.resolve(posix.dirname(target), stat.linkTarget);
        stat = await this.containers.statPath(this.containerId, target);
      }
      if (!stat) throw new Error(`file not found in ${origin}: stat ${source}: file does not exist`);
      items.push({ ...this.item(target, stat.isDirectory, posix.basename(p)), path: p });
    }
    return items;
  }

  private item(path: string, isDirectory: boolean, name: string): CopyItem {
    const kind = isDirectory ? 'directory' : 'file';
    const hash = `${isDirectory ? 'dir' : 'file'}:${createHash('sha256').update(`${this.imageId}:${path}`).digest('hex')}`;
    return {
      hash,
      kind,
      name,
      archive: false,
      tar: async (target, identity) => {
        // The engine names entries after the path's last element: move them under `target`.
        const base = posix.basename(path) || '.';
        const archive = await this.containers.getArchive(this.containerId, path);
        return retar(archive, (h) => {
          const name = h.name.replace(/\/$/, '');
          if (isDirectory && name === base) return undefined;
          const inside = name === base ? '' : name.slice(base.length + 1);
          const renamed = isDirectory ? posix.join(rel(target), inside) : rel(target);
          const moved = { ...h, name: renamed + (h.type === 'directory' ? '/' : ''), ...(h.type === 'link' && h.linkname ? { linkname: relinkHardlink(h.linkname, base, rel(target), isDirectory) } : {}) };
          return identity ? chownHeader(moved, identity) : moved;
        });
      },
      raw: () => {
        throw new Error('not an archive');
      },
    };
  }

  /** Paths in the image matching a wildcard pattern (`*` does not cross `/`). */
  private async glob(pattern: string): Promise<string[]> {
    const segments = pattern.split('/');
    const firstWild = segments.findIndex((s) => /[*?[]/.test(s));
    const dir = segments.slice(0, firstWild).join('/') || '/';
    const archive = await this.containers.getArchive(this.containerId, dir);
    const base = posix.basename(dir);
    const names: string[] = [];
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/\/$/, '');
      const inside = dir === '/' ? name : name === base ? '' : name.slice(base.length + 1);
      const candidate = posix.join(dir, inside);
      if (inside && matchGoPattern(pattern.slice(1), candidate.slice(1))) names.push(candidate);
      stream.on('end', () => next());
      stream.resume();
    });
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      archive.pipe(extract as unknown as NodeJS.WritableStream);
    });
    if (names.length === 0) throw new Error(`no source files were specified: nothing matches ${pattern}`);
    return names.sort();
  }
}

function relinkHardlink(linkname: string, base: string, target: string, isDirectory: boolean): string {
  const inside = linkname === base ? '' : linkname.slice(base.length + 1);
  return isDirectory ? posix.join(target, inside) : target;
}
