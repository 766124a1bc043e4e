import type { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';

/**
 * Whether ADD should extract a local file, from its first bytes: a tar, possibly compressed,
 * recognised by content (as the classic builder does), never by name. gzip is checked down to
 * the tar header; bzip2 and xz, which Node cannot decompress, by their magic (the engine
 * decompresses on upload).
 */
export function isArchiveHead(bytes: Buffer): boolean {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return isTarHeader(gunzipPrefix(bytes));
  if (bytes.subarray(0, 3).toString('latin1') === 'BZh') return true;
  if (bytes.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
  return isTarHeader(bytes);
}

/** How much of a file isArchiveHead needs. */
export const ARCHIVE_HEAD_SIZE = 64 * 1024;

/** The first `size` bytes of a stream (fewer if it is shorter); the rest is never read. */
export async function readHead(stream: Readable, size = ARCHIVE_HEAD_SIZE): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= size) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, size);
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
