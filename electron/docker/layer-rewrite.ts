/**
 * Takes paths out of an image's top layer: the engine creates a mount's target (and missing
 * parents) in a container's filesystem, where a commit would keep them; BuildKit removes such
 * empty mount points after the command. The Engine API cannot delete a path from a stopped
 * container, so the committed layer is read back (`docker save`), filtered byte for byte, and
 * loaded again over the same lower layers. Only RUN steps whose mounts needed new paths pay this.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { Image, ImageBackend } from '../builder/backend';
import type { ConfigStore } from '../builder/image/config-store';
import type { ImageConfigFile } from '../builder/image/config';
import type { LayerRewriter } from '../builder/run/backend';
import { TarFilter } from '../builder/run/tar-filter';
import { EMPTY_LAYER } from './images';
import { exportLayers, packLayer } from './podman';
import { drain, readAll } from './streams';
import { noteImageMade } from './image-ledger';

interface FilteredLayer {
  path: string;
  diffId: string;
  entries: number;
}

export class DockerLayerRewriter implements LayerRewriter {
  constructor(
    private readonly docker: Docker,
    private readonly images: ImageBackend,
    private readonly configs: ConfigStore,
    /** The engine's `docker load` takes only complete archives (Podman, podman.ts): send the lower layers too. */
    private readonly options: { loadNeedsLayers?: boolean } = {},
  ) {}

  async dropFromTopLayer(image: string, file: ImageConfigFile, parent: string, drop: (path: string) => boolean): Promise<Image> {
    const top = file.rootfs.diff_ids.at(-1);
    if (!top) throw new Error(`${image} has no layer to edit`);
    const dir = await mkdtemp(join(tmpdir(), 'slipway-layer-'));
    try {
      const layer = await this.filteredTopLayer(image, top, dir, drop);
      const lower = file.rootfs.diff_ids.slice(0, -1);
      const history = [...(file.history ?? [])];
      const last = history.findLastIndex((h) => !h.empty_layer);
      if (layer.entries === 0 && last >= 0) history[last] = { ...history[last], empty_layer: true };
      const edited: ImageConfigFile = {
        ...file,
        rootfs: { type: 'layers', diff_ids: layer.entries === 0 ? lower : [...lower, layer.diffId] },
        history,
      };
      const id = await this.load(edited, parent, layer.entries === 0 ? undefined : layer.path);
      await this.configs.put(id, edited);
      const loaded = await this.images.findImage(id);
      if (!loaded) throw new Error(`the engine lost the image it just loaded (${id})`);
      return loaded;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Reads the image's export once: every candidate layer is hashed while it is filtered; the one that is `top` is kept. */
  private async filteredTopLayer(image: string, top: string, dir: string, drop: (path: string) => boolean): Promise<FilteredLayer> {
    const topHex = top.replace(/^sha256:/, '');
    const extract = tar.extract();
    let found: FilteredLayer | undefined;
    let n = 0;
    extract.on('entry', (header, stream, next) => {
      const candidate =
        // `<id>/layer.tar` (Docker), `<digest>.tar` (Podman), or an OCI blob.
        header.type === 'file' && (header.name.endsWith('.tar') || header.name === `blobs/sha256/${topHex}`) && !found;
      if (!candidate) {
        drain(stream).then(() => next(), next);
        return;
      }
      const path = join(dir, `layer-${n++}.tar`);
      filterInto(stream, path, drop).then(
        (result) => {
          if (result.inputDigest === top) found = { path, diffId: result.outputDigest, entries: result.entries };
          else void rm(path, { force: true });
          next();
        },
        (err: unknown) => next(err as Error),
      );
    });
    const source = (await this.docker.getImage(image).get()) as Readable;
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      source.on('error', reject);
      source.pipe(extract as unknown as NodeJS.WritableStream);
    });
    if (!found) throw new Error(`the export of ${image} does not hold its top layer ${top}`);
    return found;
  }

  /** `docker load` of the edited config; the engine has every lower layer, so only the new one is sent. */
  private async load(file: ImageConfigFile, parent: string, layerPath: string | undefined): Promise<string> {
    const json = Buffer.from(JSON.stringify(file));
    const hex = createHash('sha256').update(json).digest('hex');
    const layers = file.rootfs.diff_ids.map((_, i) => `${i}/layer.tar`);
    // Written down before the engine has it (image-ledger.ts).
    await noteImageMade(`sha256:${hex}`);
    const pack = tar.pack();
    const loading = this.docker.loadImage(pack as unknown as NodeJS.ReadableStream, { quiet: true }).then((s) => readAll(s as NodeJS.ReadableStream));
    const lower = layerPath ? file.rootfs.diff_ids.slice(0, -1) : file.rootfs.diff_ids;
    const exported = this.options.loadNeedsLayers ? await exportLayers(this.docker, parent, new Set(lower.filter((id) => id !== EMPTY_LAYER))) : undefined;
    const written = (async () => {
      await addEntry(pack, { name: `${hex}.json` }, json);
      for (const [i, id] of exported ? lower.entries() : []) {
        const layer = exported!.layers.get(id);
        if (id === EMPTY_LAYER) await addEntry(pack, { name: layers[i]! }, Buffer.alloc(1024));
        else if (layer) await packLayer(pack, layers[i]!, layer);
        else throw new Error(`the export of ${parent} does not hold its layer ${id}`);
      }
      if (layerPath) {
        const size = (await stat(layerPath)).size;
        await addEntry(pack, { name: layers.at(-1)!, size }, createReadStream(layerPath));
      }
      await addEntry(pack, { name: 'manifest.json' }, Buffer.from(JSON.stringify([{ Config: `${hex}.json`, RepoTags: null, Layers: layers, Parent: parent }])));
      pack.finalize();
    })();
    const [output] = await Promise.all([loading, written.catch((err: unknown) => pack.destroy(err as Error))]).finally(() => exported?.close());
    const text = output.toString();
    // Docker says "Loaded image ID: sha256:…", Podman "Loaded image: sha256:…".
    const loaded = /Loaded image(?: ID)?: (sha256:[0-9a-f]{64})/.exec(text)?.[1];
    if (!loaded) throw new Error(`the engine did not load the edited image: ${text.trim() || 'no answer'}`);
    return loaded;
  }
}

async function filterInto(
  input: AsyncIterable<unknown>,
  path: string,
  drop: (path: string) => boolean,
): Promise<{ inputDigest: string; outputDigest: string; entries: number }> {
  const inHash = createHash('sha256');
  const outHash = createHash('sha256');
  const filter = new TarFilter(drop);
  const out = createWriteStream(path);
  const write = (chunks: Buffer[]) => writeAll(out, outHash, chunks);
  for await (const chunk of input) {
    const buf = chunk as Buffer;
    inHash.update(buf);
    await write(filter.push(buf));
  }
  await write(filter.end());
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { inputDigest: `sha256:${inHash.digest('hex')}`, outputDigest: `sha256:${outHash.digest('hex')}`, entries: filter.kept };
}

async function writeAll(out: Writable, hash: ReturnType<typeof createHash>, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
}

function addEntry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }, body: Buffer | Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (Buffer.isBuffer(body)) {
      pack.entry(header, body, (err) => (err ? reject(err) : resolve()));
      return;
    }
    const entry = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    body.on('error', reject);
    body.pipe(entry as unknown as NodeJS.WritableStream);
  });
}
