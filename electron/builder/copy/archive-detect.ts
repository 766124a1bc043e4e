import { open } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/**
 * Whether ADD should extract a local file: a tar, possibly compressed, recognised by content
 * (as the classic builder does), never by name. gzip is checked down to the tar header; bzip2
 * and xz, which Node cannot decompress, by their magic (the engine decompresses on upload).
 */
export async function isLocalArchive(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return isTarHeader(gunzipPrefix(bytes));
    if (bytes.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (bytes.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return isTarHeader(bytes);
  } finally {
    await handle.close();
  }
}

function gunzipPrefix(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: accept a truncated stream */ });
  } catch {
    return Buffer.alloc(0);
  }
}

/** A valid ustar/gnu header block: its checksum field matches its bytes. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === parseInt(field, 8);
}
