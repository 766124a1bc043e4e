import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { CommitRequest, Image, ImageBackend } from '../builder/backend';
import type { ImageConfigFile, RunConfig } from '../builder/image/config';
import type { ConfigStore } from '../builder/image/config-store';
import { identicalConfig } from '../builder/image/compare';
import { exportLayers, packLayer, type ExportedLayers } from './podman';
import { registryAuthFor } from './registry-auth';
import { drain, readAll } from './streams';
import { noteImageMade } from './image-ledger';

interface InspectInfo {
  Id: string;
  Config: RunConfig;
  ContainerConfig?: RunConfig;
  Container?: string;
  Os: string;
  Architecture: string;
  Variant?: string;
  OsVersion?: string;
  Author?: string;
  Created?: string;
  DockerVersion?: string;
  RootFS?: { Layers?: string[] };
  Size: number;
}

/** The layer of an empty tar (two zero blocks): what the classic builder commits for a COPY that changes nothing. */
export const EMPTY_LAYER = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

export interface DockerImagesOptions {
  /** The engine's `docker load` takes only complete archives (Podman): send the layers along. */
  loadNeedsLayers?: boolean;
}

/** Images through the Engine API: inspect, pull, commit, and metadata-only images via load. */
export class DockerImages implements ImageBackend {
  constructor(
    private readonly docker: Docker,
    private readonly configs: ConfigStore,
    private readonly options: DockerImagesOptions = {},
  ) {}

  async findImage(ref: string): Promise<Image | undefined> {
    try {
      return toImage((await this.docker.getImage(ref).inspect()) as unknown as InspectInfo);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async pullImage(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<void> {
    // The login `docker login` saved for the image's registry, if any (registry-auth.ts); never logged.
    const authconfig = await registryAuthFor(ref);
    const stream = await this.docker.pull(ref, { abortSignal: signal, ...(authconfig ? { authconfig } : {}) });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; id?: string; error?: string }) => {
          if (event.error) reject(new Error(event.error));
          else if (event.status) onProgress(event.id ? `${event.id}: ${event.status}` : event.status);
        },
      );
    });
  }

  async imageConfigFile(id: string): Promise<ImageConfigFile> {
    const known = await this.configs.get(id);
    if (known) return known;
    const info = (await this.docker.getImage(id).inspect()) as unknown as InspectInfo;
    const file = (await this.fromHistory(info)) ?? (await this.fromSave(id));
    await this.configs.put(id, file);
    return file;
  }

  async createImage(file: ImageConfigFile, parent: string): Promise<Image> {
    return this.loadConfig(file, parent, parent);
  }

  /** `docker load` of a config over layers the engine has (`layersFrom` has them all, for engines that need them sent). */
  private async loadConfig(file: ImageConfigFile, parent: string, layersFrom: string): Promise<Image> {
    if (this.options.loadNeedsLayers) {
      const wanted = new Set(file.rootfs.diff_ids.filter((id) => id !== EMPTY_LAYER));
      const exported = await exportLayers(this.docker, layersFrom, wanted);
      try {
        return await this.loadArchive(file, parent, exported);
      } finally {
        await exported.close();
      }
    }
    return this.loadArchive(file, parent);
  }

  private async loadArchive(file: ImageConfigFile, parent: string, exported?: ExportedLayers): Promise<Image> {
    const json = Buffer.from(JSON.stringify(file));
    const hex = createHash('sha256').update(json).digest('hex');
    // The engine skips layers it already has, so the layer paths need not exist in the archive.
    const manifest = [{ Config: `${hex}.json`, RepoTags: null, Layers: file.rootfs.diff_ids.map((_, i) => `${i}/layer.tar`), Parent: parent }];
    const pack = tar.pack();
    pack.entry({ name: `${hex}.json` }, json);
    // The empty layer may be new to the engine: it is the one layer small enough to always send.
    file.rootfs.diff_ids.forEach((id, i) => id === EMPTY_LAYER && pack.entry({ name: `${i}/layer.tar` }, Buffer.alloc(1024)));
    // Written down before the engine has it: a build that dies from here on leaves no image
    // unaccounted for (image-ledger.ts). An image without a creation time is the empty base of a
    // scratch stage, the same for every build: never one build's to remove.
    const ledgered = file.created !== undefined;
    if (ledgered) await noteImageMade(`sha256:${hex}`);
    const writing = exported ? packLayers(pack, file.rootfs.diff_ids, exported) : Promise.resolve();
    const loading = writing.then(
      () => {
        pack.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
        pack.finalize();
      },
      (err: unknown) => {
        pack.destroy(err as Error);
        throw err;
      },
    );
    const [answer] = await Promise.all([this.docker.loadImage(pack as unknown as NodeJS.ReadableStream, { quiet: true }).then((s) => readAll(s)), loading]);
    const output = answer.toString();
    // Docker says "Loaded image ID: sha256:…", Podman "Loaded image: sha256:…".
    const loaded = /Loaded image(?: ID)?: (sha256:[0-9a-f]{64})/.exec(output)?.[1];
    if (!loaded) throw new Error(`the engine did not load the image: ${output.trim() || 'no answer'}`);
    if (ledgered && loaded !== `sha256:${hex}`) await noteImageMade(loaded);
    await this.configs.put(loaded, file);
    return (await this.findImage(loaded))!;
  }

  async commit(containerId: string, request: CommitRequest): Promise<Image> {
    const committed = await new Promise<{ Id: string }>((resolve, reject) =>
      this.docker.modem.dial(
        {
          path: '/commit?',
          method: 'POST',
          options: { _query: { container: containerId, author: request.author, pause: false }, _body: request.config },
          statusCodes: { 200: true, 201: true, 404: 'no such container', 500: 'server error' },
        },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { Id: string })),
      ),
    );
    await noteImageMade(committed.Id);
    const info = (await this.docker.getImage(committed.Id).inspect()) as unknown as InspectInfo;
    const parent = await this.imageConfigFile(request.parent);
    let layers = info.RootFS?.Layers ?? [];
    const emptyDiff = layers.length === parent.rootfs.diff_ids.length;
    if (emptyDiff && request.alwaysLayer) layers = [...layers, EMPTY_LAYER];
    const file: ImageConfigFile = {
      ...parent,
      created: info.Created,
      ...(request.author ? { author: request.author } : { author: undefined }),
      docker_version: info.DockerVersion ?? parent.docker_version,
      container: containerId,
      container_config: request.containerConfig,
      config: request.config,
      rootfs: { type: 'layers', diff_ids: layers },
      history: [
        ...(parent.history ?? []),
        {
          created: info.Created,
          ...(request.author ? { author: request.author } : {}),
          created_by: (request.containerConfig.Cmd ?? []).join(' '),
          ...(layers.length === parent.rootfs.diff_ids.length ? { empty_layer: true } : {}),
        },
      ],
    };
    // The engine writes the container's Cmd as the history text; the step's may differ (RUN with build args).
    const historyText = (request.containerConfig.Cmd ?? []).join(' ');
    const committedText = (request.containerCmd ?? []).join(' ');
    const sameLayers = layers.length === (info.RootFS?.Layers ?? []).length;
    if (sameLayers && identicalConfig(info.Config, request.config) && committedText === historyText) {
      await this.configs.put(info.Id, file);
      return toImage(info);
    }
    // The engine's commit merged the container's settings into the image (build-arg Env, an
    // inherited Cmd, an empty Labels map), or left out a layer the step must have: write the
    // image the step must produce, on the same layers.
    const exact = await this.loadConfig(file, request.parent, info.Id);
    await this.removeImage(info.Id);
    return exact;
  }

  async tagImage(id: string, tag: string): Promise<void> {
    const at = tag.lastIndexOf(':');
    const hasTag = at > tag.lastIndexOf('/');
    await this.docker.getImage(id).tag({ repo: hasTag ? tag.slice(0, at) : tag, tag: hasTag ? tag.slice(at + 1) : 'latest' });
  }

  async removeImage(id: string): Promise<void> {
    try {
      await this.docker.getImage(id).remove({ noprune: true });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Rebuilds the config file from inspect + history, when every layer can be placed. */
  private async fromHistory(info: InspectInfo): Promise<ImageConfigFile | undefined> {
    const entries = ((await this.docker.getImage(info.Id).history()) as { Created: number; CreatedBy: string; Comment: string; Size: number }[]).reverse();
    const diffIds = info.RootFS?.Layers ?? [];
    if (entries.filter((e) => e.Size > 0).length !== diffIds.length) return undefined;
    return {
      architecture: info.Architecture,
      os: info.Os,
      ...(info.Variant ? { variant: info.Variant } : {}),
      ...(info.OsVersion ? { 'os.version': info.OsVersion } : {}),
      ...(info.Created ? { created: info.Created } : {}),
      ...(info.Author ? { author: info.Author } : {}),
      ...(info.DockerVersion ? { docker_version: info.DockerVersion } : {}),
      ...(info.Container ? { container: info.Container } : {}),
      ...(info.ContainerConfig ? { container_config: info.ContainerConfig } : {}),
      config: info.Config,
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: entries.map((e) => ({
        created: new Date(e.Created * 1000).toISOString(),
        ...(e.CreatedBy ? { created_by: e.CreatedBy } : {}),
        ...(e.Comment ? { comment: e.Comment } : {}),
        ...(e.Size === 0 ? { empty_layer: true } : {}),
      })),
    };
  }

  /** The exact config file from `docker save`, reading past the layers without keeping them. */
  private async fromSave(id: string): Promise<ImageConfigFile> {
    const hex = id.replace(/^sha256:/, '');
    const extract = tar.extract();
    let found: ImageConfigFile | undefined;
    extract.on('entry', (header, stream, next) => {
      if (header.name === `${hex}.json` || header.name === `blobs/sha256/${hex}`) {
        readAll(stream).then((data) => {
          found = JSON.parse(data.toString()) as ImageConfigFile;
          next();
        }, next);
      } else {
        drain(stream).then(() => next(), next);
      }
    });
    const source = (await this.docker.getImage(id).get()) as Readable;
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', reject);
      source.on('error', reject);
      source.pipe(extract as unknown as NodeJS.WritableStream);
    });
    if (!found) throw new Error(`the engine's export of ${id} has no config file`);
    return found;
  }
}

/** Every layer but the empty one (already packed) as `<i>/layer.tar`, streamed from its file. */
async function packLayers(pack: tar.Pack, diffIds: string[], exported: ExportedLayers): Promise<void> {
  for (const [i, id] of diffIds.entries()) {
    if (id === EMPTY_LAYER) continue;
    const layer = exported.layers.get(id);
    if (!layer) throw new Error(`the engine's export holds no layer ${id.slice(0, 19)}: cannot send the image's layers with its config`);
    await packLayer(pack, `${i}/layer.tar`, layer);
  }
}

function toImage(info: InspectInfo): Image {
  return {
    id: info.Id,
    config: info.Config,
    os: info.Os,
    architecture: info.Architecture,
    diffIds: info.RootFS?.Layers ?? [],
    size: info.Size,
  };
}
