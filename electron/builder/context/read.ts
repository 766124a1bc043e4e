/**
 * Streams a context file's bytes, never reading outside the root: the path's parents were
 * checked to be real directories, O_NOFOLLOW refuses a final symlink, and realpath confirms the
 * result (against a folder being swapped meanwhile). Chunks are bounded; nothing is buffered whole.
 */
import { constants, promises as fs } from 'node:fs';
import { sep } from 'node:path';
import { changedFileError, ContextError, errorCode, forbiddenPathError, unreadableFileError } from './errors';
import { absolutePath } from './paths';

const CHUNK_SIZE = 64 * 1024;

/** Yields exactly `size` bytes of the file, or throws if it has another size by now. */
export async function* readContextFile(root: string, path: string, size: number): AsyncGenerator<Buffer> {
  const absolute = absolutePath(root, path);
  const handle = await openInside(root, path, absolute);
  try {
    let read = 0;
    if (size > 0) {
      const stream = handle.createReadStream({ start: 0, end: size - 1, autoClose: false, highWaterMark: CHUNK_SIZE });
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        read += chunk.length;
        yield chunk;
      }
    }
    if (read !== size || (await handle.stat()).size !== size) throw changedFileError(path);
  } catch (err) {
    if (err instanceof ContextError) throw err;
    throw new ContextError(`error reading '${absolute}': ${(err as Error).message}`, 'unreadable');
  } finally {
    await handle.close();
  }
}

async function openInside(root: string, path: string, absolute: string): Promise<fs.FileHandle> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(absolute, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EACCES' || code === 'EPERM') throw unreadableFileError(absolute);
    throw changedFileError(path);
  }
  try {
    const real = await fs.realpath(absolute);
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) throw forbiddenPathError(path);
    if (!(await handle.stat()).isFile()) throw changedFileError(path);
    return handle;
  } catch (err) {
    await handle.close();
    throw err instanceof ContextError ? err : changedFileError(path);
  }
}
