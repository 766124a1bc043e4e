/**
 * The tar a COPY/ADD step sends with `PUT /containers/{id}/archive`, built the way the classic
 * builder copies from the context: a file's content (a followed symlink's target) under the
 * given name; a directory's contents (not the directory itself, which the engine creates 0755)
 * under the given name, symlinks as symlinks, repeated inodes as hard links, excluded files
 * left out. Owner uid/gid 0 unless --chown; mtimes in whole seconds. Streams with backpressure:
 * memory does not grow with file size or count.
 */
import { Readable } from 'node:stream';
import { pack as createTarPack, type Header, type Pack } from 'tar-stream';
import { ContextError } from './errors';
import { readSmallContextFile, SMALL_FILE_SIZE, streamContextFile } from './read';
import { relativeTo } from './paths';
import type { ContextEntry } from './types';
import type { ContextNode, ContextView } from './view';

/** One entry's writable body in the tar (tar-stream does not export its type). */
type Sink = ReturnType<Pack['entry']>;

export type PackItem =
  /** A resolved source; a directory contributes its entries as `<name>/...`, not itself. */
  | { entry: ContextEntry; name: string }
  /** A directory header of its own, e.g. for a COPY destination that does not exist yet. */
  | { directory: string; mode?: number; mtimeMs?: number };

export interface PackOptions {
  /** Owner of every entry; 0 (root) unless COPY --chown. */
  uid?: number;
  gid?: number;
  /** Context files are always chowned (classic preserves owners only for --from). */
  preserveOwnership?: false;
}

/** How many entries of a directory are looked at together, so small files can be read ahead. */
const READ_AHEAD = 32;

// tar-stream replaces a zero mode with a default and keeps only the low 12 bits, so the file
// type bits go along to keep mode 0 (e.g. chmod 000) as it is.
const TYPE_BITS: Record<Header['type'] & ('file' | 'directory' | 'symlink' | 'link'), number> = {
  file: 0o100000,
  link: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
};

export function packEntries(view: ContextView, items: readonly PackItem[], options: PackOptions = {}): Readable {
  const tar = createTarPack();
  // Take the iterator now: it listens for errors from the start, so a failure before the first
  // read reaches the reader as itself (streamx would otherwise throw an unheard 'error').
  const chunks = tar[Symbol.asyncIterator]();
  const writer = new TarWriter(view, tar, options.uid ?? 0, options.gid ?? 0);
  writer.writeAll(items).then(
    () => tar.finalize(),
    (err: unknown) => tar.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return Readable.from({ [Symbol.asyncIterator]: () => chunks }, { objectMode: false });
}

class TarWriter {
  constructor(
    private readonly view: ContextView,
    private readonly tar: Pack,
    private readonly uid: number,
    private readonly gid: number,
  ) {}

  async writeAll(items: readonly PackItem[]): Promise<void> {
    for (const item of items) {
      if ('directory' in item) {
        await this.add({
          name: `${tarName(item.directory, '.')}/`,
          type: 'directory',
          mode: item.mode ?? 0o755,
          mtime: seconds(item.mtimeMs ?? Date.now()),
        });
      } else if (item.entry.type === 'directory') {
        await this.addDirectoryContents(item.entry.resolvedPath, item.name);
      } else {
        const node = await this.view.node(item.entry.resolvedPath);
        if (!node) throw new ContextError(`${item.entry.path} disappeared from the build context`, 'changed');
        await this.addNode(node, tarName(item.name, '.'), new Map());
      }
    }
  }

  /** Each source directory is its own archive in classic, so hard links pair up only within it. */
  private async addDirectoryContents(directory: string, name: string): Promise<void> {
    const firstNames = new Map<string, string>();
    let batch: ContextNode[] = [];
    const flush = async (): Promise<void> => {
      // Small files are read ahead, several at once (one at a time is mostly waiting on the
      // disk); bigger ones stream when their turn comes. Failures surface in order, below.
      const early = batch.map((node) =>
        node.type === 'file' && node.size <= SMALL_FILE_SIZE
          ? readSmallContextFile(this.view.root, node.path, node.size)
          : undefined,
      );
      for (const read of early) read?.catch(() => {});
      for (const [i, node] of batch.entries()) {
        await this.addNode(node, tarName(name, relativeTo(directory, node.path)), firstNames, early[i]);
      }
      batch = [];
    };
    for await (const node of this.view.walk(directory, { strict: () => true })) {
      batch.push(node);
      if (batch.length === READ_AHEAD) await flush();
    }
    await flush();
  }

  private async addNode(
    node: ContextNode,
    name: string,
    firstNames: Map<string, string>,
    content?: Promise<Buffer>,
  ): Promise<void> {
    const common = { mode: node.mode, mtime: seconds(node.mtimeMs) };
    if (node.type === 'directory') return this.add({ ...common, name: `${name}/`, type: 'directory' });
    const first = node.nlink > 1 ? firstNames.get(node.inode) : undefined;
    if (first !== undefined) return this.add({ ...common, name, type: 'link', linkname: first });
    if (node.nlink > 1) firstNames.set(node.inode, name);
    if (node.type === 'symlink') {
      return this.add({ ...common, name, type: 'symlink', linkname: await this.view.readlink(node.path) });
    }
    const body = content ? single(content) : streamContextFile(this.view.root, node.path, node.size);
    return this.add({ ...common, name, type: 'file', size: node.size }, body);
  }

  private async add(
    header: Omit<Header, 'uid' | 'gid' | 'size' | 'linkname' | 'uname' | 'gname' | 'devmajor' | 'devminor'> &
      Partial<Pick<Header, 'size' | 'linkname'>>,
    content?: AsyncIterable<Buffer>,
  ): Promise<void> {
    const type = header.type as keyof typeof TYPE_BITS;
    let sink!: Sink;
    const written = new Promise<void>((resolve, reject) => {
      sink = this.tar.entry(
        { ...header, mode: header.mode | TYPE_BITS[type], uid: this.uid, gid: this.gid },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    // The entry callback reports failures; without a listener streamx would throw them.
    sink.on('error', () => {});
    // A failure while writing is reported by writeContent; this copy of it is not news.
    written.catch(() => {});
    if (content) await writeContent(sink, content);
    else sink.end(null);
    await written;
  }
}

async function writeContent(sink: Sink, content: AsyncIterable<Buffer>): Promise<void> {
  try {
    for await (const chunk of content) {
      if (!sink.write(chunk)) await drained(sink);
    }
    sink.end(null);
  } catch (err) {
    sink.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

/** Resolves on 'drain'; rejects if the tar is torn down meanwhile (e.g. the reader went away). */
function drained(sink: Sink): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stop();
      resolve();
    };
    const onClose = (): void => {
      stop();
      reject(new ContextError('the archive stream was closed before it was complete', 'changed'));
    };
    const stop = (): void => {
      sink.removeListener('drain', onDrain);
      sink.removeListener('close', onClose);
    };
    sink.on('drain', onDrain);
    sink.on('close', onClose);
  });
}

async function* single(content: Promise<Buffer>): AsyncGenerator<Buffer> {
  yield await content;
}

/** `name` joined with a context-relative sub-path, without leading `/` or `./`. */
function tarName(name: string, sub: string): string {
  const base = name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
  if (base === '' || base === '.') return sub;
  return sub === '.' ? base : `${base}/${sub}`;
}

/** go-archive truncates mtimes to whole seconds. */
function seconds(mtimeMs: number): Date {
  return new Date(Math.floor(mtimeMs / 1000) * 1000);
}
