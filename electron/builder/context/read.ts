/**
 * Reads a context file's bytes, never outside the root: the path's parents were checked to be
 * real directories, O_NOFOLLOW refuses a final symlink, and realpath confirms the result (in
 * case a folder was swapped meanwhile). Large files stream in bounded chunks; nothing big is
 * buffered whole.
 */
import { constants, promises as fs } from 'node:fs';
import { sep } from 'node:path';
import { changedFileError, ContextError, errorCode, forbiddenPathError, unreadableFileError } from './errors';
import { absolutePath } from './paths';

const CHUNK_SIZE = 64 * 1024;

/** Files up to this size may be read in one piece (and ahead of time). */
export const SMALL_FILE_SIZE = CHUNK_SIZE;

/** Yields exactly `size` bytes of the file, or throws if it has another size by now. */
export async function* streamContextFile(root: string, path: string, size: number): AsyncGenerator<Buffer> {
  const handle = await openInside(root, path);
  try {
    let read = 0;
    if (size > 0) {
      const stream = handle.createReadStream({ start: 0, end: size - 1, autoClose: false, highWaterMark: CHUNK_SIZE });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        yield chunk;
      }
    }
    await checkSize(handle, path, read, size);
  } catch (err) {
    throw asContextError(err, root, path);
  } finally {
    await handle.close();
  }
}

/** The whole content of a small file, or throws if it has another size by now. */
export async function readSmallContextFile(root: string, path: string, size: number): Promise<Buffer> {
  const handle = await openInside(root, path);
  try {
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buffer, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    await checkSize(handle, path, read, size);
    return buffer;
  } catch (err) {
    throw asContextError(err, root, path);
  } finally {
    await handle.close();
  }
}

async function checkSize(handle: fs.FileHandle, path: string, read: number, size: number): Promise<void> {
  if (read !== size || (await handle.stat()).size !== size) throw changedFileError(path);
}

function asContextError(err: unknown, root: string, path: string): ContextError {
  if (err instanceof ContextError) return err;
  return new ContextError(`error reading '${absolutePath(root, path)}': ${(err as Error).message}`, 'unreadable');
}

async function openInside(root: string, path: string): Promise<fs.FileHandle> {
  const absolute = absolutePath(root, path);
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: a file swapped for a named pipe since it was listed must not block the open.
    handle = await fs.open(absolute, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EACCES' || code === 'EPERM') throw unreadableFileError(absolute);
    throw changedFileError(path);
  }
  try {
    const [real, stats] = await Promise.all([fs.realpath(absolute), handle.stat()]);
    if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) throw forbiddenPathError(path);
    if (!stats.isFile()) throw changedFileError(path);
    return handle;
  } catch (err) {
    await handle.close();
    throw err instanceof ContextError ? err : changedFileError(path);
  }
}
