import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface Download {
  path: string;
  /** The file name the URL gives (path or Content-Disposition); '' when it gives none. */
  name: string;
  hash: string;
  size: number;
  cleanup(): Promise<void>;
}

export const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * ADD's remote source: downloaded before the cache check, so its content can key the cache;
 * mtime from Last-Modified (the epoch otherwise), mode 0600 as the classic builder leaves it.
 */
export async function download(url: string, signal: AbortSignal, redirects = 10): Promise<Download> {
  const res = await request(url, signal);
  if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
    res.resume();
    return download(new URL(res.headers.location, url).toString(), signal, redirects - 1);
  }
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`failed to GET ${url} with status ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  const dir = await mkdtemp(join(tmpdir(), 'slipway-add-'));
  const name = fileName(new URL(url).pathname, res.headers['content-disposition']);
  const path = join(dir, name || '__unnamed__');
  const hash = createHash('sha256');
  res.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(res, createWriteStream(path, { mode: 0o600 }));
  const modified = res.headers['last-modified'] ? new Date(res.headers['last-modified']) : new Date(0);
  const mtime = Number.isNaN(modified.getTime()) ? new Date(0) : modified;
  await utimes(path, mtime, mtime);
  const { size } = await stat(path);
  return { path, name, hash: `file:${hash.digest('hex')}`, size, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

function request(url: string, signal: AbortSignal): Promise<IncomingMessage> {
  const get = url.toLowerCase().startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => get(url, { signal }, resolve).on('error', reject));
}

function fileName(path: string, disposition: string | undefined): string {
  if (path && !path.endsWith('/')) return basename(path);
  const m = disposition && /filename="?([^";]+)"?/i.exec(disposition);
  if (m && !m[1]!.endsWith('/')) return basename(m[1]!);
  return '';
}
