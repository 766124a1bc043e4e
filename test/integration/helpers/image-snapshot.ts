import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { docker } from './engine';

export interface FileRecord {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  link?: string;
  /** A file's mtime, or 'build' when the build itself wrote it (it differs between any two builds). */
  mtime?: number | 'build';
}

/**
 * What a user could tell apart between two images: the config (as inspect shows it) and every
 * file of the exported filesystem with its type, mode, owner, size, content and link target.
 * Directory mtimes are left out, and file mtimes from after `buildStart`: they record when the
 * build ran.
 */
export async function snapshotImage(id: string, buildStart: number): Promise<{ config: Record<string, unknown>; files: Record<string, FileRecord> }> {
  const info = await docker.getImage(id).inspect();
  // Config.Image names the image the last step started from: an intermediate image of this very
  // build (its ID differs between any two builders), or an image that existed before.
  const before = (await docker.listImages()).filter((i) => i.Created * 1000 < buildStart - 2000).map((i) => i.Id);
  const image = info.Config.Image && !before.includes(info.Config.Image) ? '<an intermediate image of this build>' : info.Config.Image;
  const config = { Config: { ...info.Config, Image: image }, Author: info.Author, Os: info.Os, Architecture: info.Architecture, Layers: info.RootFS.Layers?.length ?? 0 };
  const container = await docker.createContainer({ Image: id, Cmd: ['true'], Entrypoint: [''] } as never);
  try {
    const files = await listTar((await container.export()) as unknown as Readable, buildStart);
    return { config, files };
  } finally {
    await container.remove({ v: true, force: true });
  }
}

async function listTar(stream: Readable, buildStart: number): Promise<Record<string, FileRecord>> {
  const files: Record<string, FileRecord> = {};
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const name = header.name.replace(/\/$/, '');
    const hash = createHash('sha256');
    body.on('data', (chunk) => hash.update(chunk as Buffer));
    body.on('end', () => {
      // Files the engine makes in every container are not the image's.
      if (!/^(\.dockerenv|etc\/(hostname|hosts|resolv\.conf|mtab)|dev|proc|sys)(\/|$)/.test(name)) {
        files[name] = {
          type: header.type ?? 'file',
          mode: (header.mode ?? 0).toString(8),
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          size: header.size ?? 0,
          ...(header.type === 'file' ? { sha256: hash.digest('hex'), mtime: mtimeOf(header.mtime, buildStart) } : {}),
          ...(header.linkname ? { link: header.linkname } : {}),
        };
      }
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.pipe(extract as unknown as NodeJS.WritableStream);
  });
  return files;
}

function mtimeOf(mtime: Date | undefined, buildStart: number): number | 'build' | undefined {
  if (!mtime) return undefined;
  return mtime.getTime() >= buildStart - 2000 ? 'build' : mtime.getTime();
}
