/**
 * Podman's Docker-compatible API (`podman system service`). It answers the calls Slipway makes,
 * with one difference that matters: its `POST /images/load` takes only complete archives, so an
 * image made "over existing layers" (a config file whose layers the engine already has) must
 * carry its layers. They are read from an image that has them (`GET /images/{id}/get`), each
 * kept in a temporary file only while the new image is loaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { drain } from './streams';

/** What `GET /version` says; Podman names itself in Components (and in Platform). */
interface VersionAnswer {
  Platform?: { Name?: string };
  Components?: { Name?: string }[];
}

export function isPodman(version: VersionAnswer): boolean {
  return (version.Components ?? []).some((c) => c.Name === 'Podman Engine') || /podman/i.test(version.Platform?.Name ?? '');
}

export interface LayerFile {
  path: string;
  size: number;
}

/** Layer tars read out of an image export, by diff id; `close` deletes them. */
export interface ExportedLayers {
  layers: Map<string, LayerFile>;
  close(): Promise<void>;
}

/**
 * The wanted layers of `image`, as files: every layer tar of its export is hashed as it is
 * written (a layer's diff id is the sha256 of its tar), and kept only if it is wanted.
 */
export async function exportLayers(docker: Docker, image: string, wanted: ReadonlySet<string>): Promise<ExportedLayers> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-layers-'));
  const layers = new Map<string, LayerFile>();
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    if (wanted.size > 0 && image) {
      const extract = tar.extract();
      let n = 0;
      extract.on('entry', (header, stream, next) => {
        const candidate = header.type === 'file' && (header.name.endsWith('.tar') || header.name.startsWith('blobs/sha256/'));
        if (!candidate) {
          drain(stream).then(() => next(), next);
          return;
        }
        const path = join(dir, `${n++}.tar`);
        writeHashed(stream as unknown as Readable, path).then(
          async ({ digest, size }) => {
            if (wanted.has(digest) && !layers.has(digest)) layers.set(digest, { path, size });
            else await rm(path, { force: true });
            next();
          },
          (err: unknown) => next(err as Error),
        );
      });
      const source = (await docker.getImage(image).get()) as Readable;
      await pipeline(source, extract as unknown as NodeJS.WritableStream);
    }
    return { layers, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** One exported layer as the archive entry `name`, streamed from its file. */
export function packLayer(pack: tar.Pack, name: string, layer: LayerFile): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size: layer.size }, (err) => (err ? reject(err) : resolve()));
    const source = createReadStream(layer.path);
    source.on('error', reject);
    source.pipe(entry as unknown as NodeJS.WritableStream);
  });
}

async function writeHashed(input: Readable, path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(input, tap, createWriteStream(path));
  return { digest: `sha256:${hash.digest('hex')}`, size };
}
