import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterEach, expect } from 'vitest';
import { ContextError, ContextSource, type OpenOptions } from '../../../electron/builder/context';

/** What a test context holds: file contents, or a file / dir / symlink / hard link with details. */
export type Spec =
  | string
  | { content: string; mode?: number; mtime?: number }
  | { dir: true; mode?: number }
  | { symlink: string }
  | { hardlink: string };

const created: string[] = [];

afterEach(async () => {
  for (const dir of created.splice(0)) {
    await chmodTree(dir);
    await fs.rm(dir, { recursive: true, force: true });
  }
});

/** A fresh folder in the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-context-'));
  created.push(dir);
  return dir;
}

/**
 * Builds a context folder. Entries are created in the given order (parents implicitly, 0755);
 * modes are set explicitly so hashes do not depend on the umask.
 */
export async function makeContext(entries: Record<string, Spec>, root?: string): Promise<string> {
  root ??= await tempDir();
  for (const [name, spec] of Object.entries(entries)) {
    const file = path.join(root, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    if (typeof spec === 'string' || 'content' in spec) {
      const content = typeof spec === 'string' ? spec : spec.content;
      await fs.writeFile(file, content);
      await fs.chmod(file, typeof spec === 'string' ? 0o644 : (spec.mode ?? 0o644));
      if (typeof spec !== 'string' && spec.mtime !== undefined) await fs.utimes(file, spec.mtime, spec.mtime);
    } else if ('dir' in spec) {
      await fs.mkdir(file, { recursive: true });
      await fs.chmod(file, spec.mode ?? 0o755);
    } else if ('symlink' in spec) {
      await fs.symlink(spec.symlink, file);
    } else {
      await fs.link(path.join(root, spec.hardlink), file);
    }
  }
  // mkdir's implicit parents follow the umask: pin them to 0755 too.
  await pinDirectoryModes(root, entries);
  return root;
}

async function pinDirectoryModes(root: string, entries: Record<string, Spec>): Promise<void> {
  const explicit = new Set(Object.entries(entries).filter(([, s]) => typeof s === 'object' && 'dir' in s).map(([n]) => n));
  for (const name of Object.keys(entries)) {
    for (let dir = path.posix.dirname(name); dir !== '.'; dir = path.posix.dirname(dir)) {
      if (!explicit.has(dir)) await fs.chmod(path.join(root, dir), 0o755);
    }
  }
}

async function chmodTree(dir: string): Promise<void> {
  // Tests may leave unreadable folders behind; make them removable.
  try {
    const stats = await fs.lstat(dir);
    if (!stats.isDirectory()) return;
    await fs.chmod(dir, 0o755);
    for (const name of await fs.readdir(dir)) await chmodTree(path.join(dir, name));
  } catch {
    /* gone already */
  }
}

export async function openContext(entries: Record<string, Spec>, options?: OpenOptions): Promise<ContextSource> {
  return ContextSource.open(await makeContext(entries), options);
}

/** The ContextError a promise rejects with (fails the test otherwise). */
export async function contextError(promise: Promise<unknown>): Promise<ContextError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ContextError);
    return err as ContextError;
  }
  throw new Error('expected a ContextError');
}

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string | null;
  content: string;
}

/** Reads a whole tar stream with tar-stream's extractor. */
export async function untar(stream: Readable): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const extractor = extract();
  const done = new Promise<void>((resolve, reject) => {
    extractor.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (chunk) => chunks.push(chunk as Buffer));
      body.on('end', () => {
        entries.push({
          name: header.name,
          type: header.type,
          mode: header.mode,
          uid: header.uid,
          gid: header.gid,
          size: header.size,
          mtime: header.mtime.getTime(),
          linkname: header.linkname ?? null,
          content: Buffer.concat(chunks).toString(),
        });
        next();
      });
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject);
    stream.on('error', reject);
  });
  stream.pipe(extractor as unknown as NodeJS.WritableStream);
  await done;
  return entries;
}
