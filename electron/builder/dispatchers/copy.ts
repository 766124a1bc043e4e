import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { ContextError } from '../context';
import { DockerfileError } from '../errors';
import { commitContainer, containerBase, probeCache, withCmdCommentString, withContainer } from '../executor';
import { withChanges } from '../image/config';
import type { AddCommand, CopyCommand } from '../instructions';
import type { StepContext } from '../step-context';
import { resolveChown, type Identity } from '../copy/chown';
import { download, isUrl, type Download } from '../copy/download';
import { contextItems, ImageFiles, urlItem, type CopyItem } from '../copy/items';
import { inlineItem } from '../copy/inline';
import { withMode } from '../copy/modes';
import { directoriesTar, retar } from '../copy/retar';
import { copyOptions, expandHeredoc, parentsItems, placement, verifyChecksum, type CopyOptions } from './copy-options';
import { expandWord } from './expand';
import { lazySourceFileHashes } from '../image-cache/source-files';

/**
 * COPY [--chown=u:g] [--from=stage|index|image] src... dest
 * ADD [--chown=u:g] src|url|archive... dest
 *
 * The sources' files are streamed into a created container of the current image with the
 * Engine API's archive upload, and the container is committed: only what the step uses is read.
 */
export async function dispatchCopy(ctx: StepContext, c: CopyCommand | AddCommand): Promise<void> {
  const fail = (message: string) => new DockerfileError(message, c.range);
  const sources = c.sources.map((s) => expandWord(ctx, s));
  const dest = expandWord(ctx, c.dest);
  const chown = c.chown !== undefined ? expandWord(ctx, c.chown) : '';
  const from = c.kind === 'COPY' ? c.from : undefined;
  const options = copyOptions(ctx, c, sources);

  const downloads: Download[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let items: CopyItem[] = [];
    let fromImage: ImageFiles | undefined;
    if (from !== undefined) {
      const { files, close } = await openImageFiles(ctx, from);
      fromImage = files;
      cleanups.push(close);
    }
    for (const source of sources) {
      if (c.kind === 'COPY' && c.parents && !isUrl(source)) {
        items.push(...(await parentsItems(ctx, source, fromImage, from).catch((err: Error) => {
          throw err instanceof ContextError || fromImage ? fail(`${c.kind} failed: ${err.message}`) : err;
        })));
      } else if (isUrl(source)) {
        if (c.kind === 'COPY') throw fail(`${c.kind} failed: source can't be a URL for COPY`);
        const fetched = await download(source, ctx.signal).catch((err: Error) => {
          throw fail(`ADD failed: ${err.message}`);
        });
        downloads.push(fetched);
        if (options.checksum) await verifyChecksum(fetched, options.checksum, fail);
        if (!fetched.name && dest.endsWith('/')) throw fail(`ADD failed: cannot determine filename for source ${source}`);
        items.push(urlItem(fetched));
      } else if (fromImage) {
        items.push(...(await fromImage.items(source, `--from=${from}`).catch((err: Error) => {
          throw fail(`${c.kind} failed: ${err.message}`);
        })));
      } else {
        items.push(...(await contextItems(ctx.services.context, source, c.kind === 'ADD').catch((err: Error) => {
          throw err instanceof ContextError ? fail(`${c.kind} failed: ${err.message}`) : err;
        })));
      }
    }
    items.push(...c.inline.map((file) => inlineItem(file.name, file.expand ? expandHeredoc(ctx, file.content) : file.content)));
    if (items.length === 0) throw fail(`${c.kind} failed: no source files were specified`);
    if (items.length > 1 && !dest.endsWith('/')) {
      throw fail(`When using ${c.kind} with more than one source file, the destination must be a directory and end with a /`);
    }

    const srcHash = items.length === 1 ? items[0]!.hash : `multi:${createHash('sha256').update(items.map((i) => i.hash).join(',')).digest('hex')}`;
    const probe = withCmdCommentString(ctx.state, `${c.kind} ${options.flagsText}${chown ? `--chown=${chown} ` : ''}${srcHash} in ${dest} `);
    // Per-file hashes of the context sources: only to name what changed when the step misses.
    const inline = items.slice(items.length - c.inline.length).map((item, i) => ({ name: c.inline[i]!.name, hash: item.hash }));
    const files = from === undefined ? lazySourceFileHashes(ctx.services.context, sources, downloads, inline) : undefined;
    if (await probeCache(ctx, probe, files)) return;

    const destPath = normalizeDest(ctx.state.config.WorkingDir, dest);
    const base = await stagingBase(ctx);
    // No VOLUME in the staging container: files copied there must land in the layer.
    const staging = withChanges(probe, (p) => (p.Volumes = null));
    await withContainer(ctx, base, staging, async (id) => {
      const containers = ctx.services.backend.containers;
      let identity: Identity | undefined = from !== undefined && !chown ? undefined : { uid: 0, gid: 0 };
      if (chown) identity = await resolveChown(containers, id, chown).catch((err: Error) => {
        throw fail(err.message);
      });
      for (const item of items) await copyItem(ctx, id, item, placement(item, destPath, options.parents), identity, options);
      await commitContainer(ctx, id, { image: base, cmd: staging.Cmd }, probe, true, files);
    });
  } finally {
    await Promise.all([...downloads.map((d) => d.cleanup()), ...cleanups.map((f) => f())]);
  }
}

/** A relative destination is under WORKDIR; a trailing slash is kept (it means "a directory"). */
function normalizeDest(workingDir: string, requested: string): string {
  if (posix.isAbsolute(requested)) return requested;
  const joined = posix.join('/', workingDir || '/', requested);
  return requested.endsWith('/') && !joined.endsWith('/') ? `${joined}/` : joined;
}

/**
 * Writes one item into the container with the classic builder's rules: a directory's contents
 * go into the destination; a file goes inside a destination that is a directory (or ends in
 * `/`); missing parents are created 0755 — owned by the chown identity for a file, by root
 * above a directory copy; an existing directory keeps its own owner and mode.
 */
async function copyItem(ctx: StepContext, id: string, item: CopyItem, destPath: string, identity: Identity | undefined, options: CopyOptions): Promise<void> {
  const containers = ctx.services.backend.containers;
  const exists = new ExistingPaths(ctx, id);
  const root = { uid: 0, gid: 0 };
  const cleanDest = posix.normalize(destPath).replace(/(.)\/+$/, '$1');

  if (item.kind === 'directory' || item.archive) {
    const missing = await exists.missingUpTo(cleanDest);
    // The destination directory itself keeps 0755 under --chmod, as BuildKit leaves it.
    const dirOwner = (dir: string) => (item.kind === 'directory' && dir === cleanDest && identity ? identity : root);
    if (missing.length) await containers.putArchive(id, '/', directoriesTar(missing.map((d) => ({ name: d.slice(1), ...dirOwner(d) }))));
    if (item.archive) await containers.putArchive(id, cleanDest, item.raw());
    else await containers.putArchive(id, '/', shaped(await item.tar(cleanDest, identity), cleanDest.slice(1), options));
    return;
  }
  if (options.exclude?.(item.name)) return;

  const intoDirectory = destPath.endsWith('/') || (await exists.isDirectory(cleanDest));
  const target = intoDirectory ? posix.join(cleanDest, item.name) : cleanDest;
  const missing = await exists.missingUpTo(posix.dirname(target));
  if (missing.length) {
    const owner = identity ?? root;
    await containers.putArchive(id, '/', directoriesTar(missing.map((d) => ({ name: d.slice(1), ...owner }))));
  }
  // A file source was already checked against --exclude by its own name.
  await containers.putArchive(id, '/', shaped(await item.tar(target, identity), target.slice(1), { ...options, exclude: undefined }));
}

/** --exclude and --chmod applied to an item's tar; `root` is the item's own path in it. */
function shaped(tar: Readable, root: string, options: CopyOptions): Readable {
  const { exclude, mode } = options;
  if (!exclude && mode === undefined) return tar;
  return retar(tar, (header) => {
    const name = header.name.replace(/\/$/, '');
    const relative = name === root ? posix.basename(root) : name.slice(root.length + 1);
    return exclude?.(relative) ? undefined : withMode(header, mode);
  });
}

/** Which directories already exist in the container (asked once each). */
class ExistingPaths {
  constructor(
    private readonly ctx: StepContext,
    private readonly id: string,
  ) {}

  async isDirectory(path: string): Promise<boolean> {
    const stat = await this.ctx.services.backend.containers.statPath(this.id, path);
    return stat?.isDirectory ?? false;
  }

  /** `path` and its ancestors that do not exist yet, outermost first. */
  async missingUpTo(path: string): Promise<string[]> {
    const missing: string[] = [];
    for (let dir = path; dir !== '/'; dir = posix.dirname(dir)) {
      if (await this.ctx.services.backend.containers.statPath(this.id, dir)) break;
      missing.unshift(dir);
    }
    return missing;
  }
}

/**
 * The container to stage files in. Where the image declares VOLUMEs, the engine would mount
 * anonymous volumes there and the files would miss the layer; so stage in a copy of the image
 * whose config declares none (the committed image gets the stage's config back).
 */
async function stagingBase(ctx: StepContext): Promise<string> {
  const base = await containerBase(ctx);
  if (!Object.keys(ctx.state.config.Volumes ?? {}).length) return base;
  const images = ctx.services.backend.images;
  const file = await images.imageConfigFile(base);
  const unmounted = await images.createImage({ ...file, config: withChanges(file.config, (c) => (c.Volumes = null)) }, base);
  return unmounted.id;
}

async function openImageFiles(ctx: StepContext, from: string): Promise<{ files: ImageFiles; close: () => Promise<void> }> {
  const { services } = ctx;
  const stageIndex = services.stageIndex(from);
  const image =
    stageIndex !== undefined
      ? await services.stageImage(stageIndex)
      : ((await services.backend.images.findImage(from)) ??
        (await services.backend.images.pullImage(from, () => {}, ctx.signal).then(() => services.backend.images.findImage(from))));
  if (!image) throw new DockerfileError(`invalid from flag value ${from}: no such image`, ctx.command.range);
  const containers = services.backend.containers;
  const id = await containers.createContainer({
    image: image.id,
    config: withChanges(image.config, (c) => (c.Cmd = ['#(nop) read files'])),
    owner: { buildId: services.buildId, stepId: `${ctx.step.id}-from` },
  });
  return { files: new ImageFiles(containers, id, image.id), close: () => containers.remove(id) };
}
