/**
 * The COPY/ADD flags the classic builder lacks, read and checked once per step: `--chmod`,
 * `--exclude`, `--parents`, `ADD --checksum`, and heredoc sources' expansion. `--link` needs
 * nothing: with one container per step the result is the same files either way.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DockerfileError } from '../errors';
import type { Download } from '../copy/download';
import { isUrl } from '../copy/download';
import { contextItems, type CopyItem, type ImageFiles } from '../copy/items';
import { excludeMatcher, parseChmod } from '../copy/modes';
import type { AddCommand, CopyCommand } from '../instructions';
import { ShellExpansionError, ShellLexer } from '../shell';
import type { StepContext } from '../step-context';
import { expandWord } from './expand';

export interface CopyOptions {
  /** `--chmod`: the permission bits of every copied file and directory. */
  mode?: number;
  /** `--exclude`: is a path, relative to its source, left out? */
  exclude?: (relative: string) => boolean;
  /** `--parents`: sources keep their path (below a `/./` pivot) under the destination. */
  parents: boolean;
  /** `ADD --checksum`: the digest the downloaded file must have. */
  checksum?: string;
  /** The flags that change the result, as they lead the cache probe's text ('' without any: the classic text). */
  flagsText: string;
}

const DIGEST = /^(sha256|sha384|sha512):[0-9a-f]+$/;

export function copyOptions(ctx: StepContext, c: CopyCommand | AddCommand, sources: string[]): CopyOptions {
  const fail = (message: string) => new DockerfileError(message, c.range);
  const checked = <T>(read: () => T): T => {
    try {
      return read();
    } catch (err) {
      throw fail((err as Error).message);
    }
  };
  const chmod = c.chmod !== undefined ? expandWord(ctx, c.chmod) : undefined;
  const mode = chmod !== undefined ? checked(() => parseChmod(chmod)) : undefined;
  const excludes = c.exclude.map((pattern) => expandWord(ctx, pattern));
  const exclude = checked(() => excludeMatcher(excludes));
  const parents = c.kind === 'COPY' && c.parents;

  let checksum: string | undefined;
  if (c.kind === 'ADD' && c.checksum !== undefined) {
    checksum = expandWord(ctx, c.checksum);
    if (sources.length !== 1 || c.inline.length) throw fail("checksum can't be specified for multiple sources");
    if (!isUrl(sources[0]!)) throw fail("checksum can't be specified for non-HTTP(S) sources");
    if (!DIGEST.test(checksum)) throw fail(`invalid checksum digest format: ${checksum}`);
  }

  const flags = [parents ? '--parents' : '', chmod !== undefined ? `--chmod=${chmod}` : '', ...excludes.map((e) => `--exclude=${e}`)];
  return { mode, exclude, parents, checksum, flagsText: flags.filter(Boolean).map((f) => `${f} `).join('') };
}

/** `ADD --checksum=<algorithm>:<hex>`: the downloaded file must have that digest. */
export async function verifyChecksum(file: Download, checksum: string, fail: (message: string) => Error): Promise<void> {
  const [algorithm, expected] = checksum.split(':') as [string, string];
  const hash = createHash(algorithm);
  await pipeline(createReadStream(file.path), hash);
  const actual = hash.digest('hex');
  if (actual !== expected) throw fail(`ADD failed: checksum mismatch for ${file.name || 'the download'}: expected ${checksum}, got ${algorithm}:${actual}`);
}

/** An unquoted heredoc's content: variables expand, quotes are plain text (BuildKit's raw expansion). */
export function expandHeredoc(ctx: StepContext, content: string): string {
  try {
    return new ShellLexer({ escapeToken: '\\', skipProcessQuotes: true }).processWord(content, ctx.state.expansionEnv());
  } catch (err) {
    if (err instanceof ShellExpansionError) throw new DockerfileError(err.message, ctx.command.range);
    throw err;
  }
}

/** Where an item goes: the destination, or with --parents its own path (from the pivot) below it. */
export function placement(item: CopyItem, destPath: string, parents: boolean): string {
  if (!parents || item.path === undefined) return destPath;
  const dest = destPath.replace(/\/+$/, '') || '/';
  if (item.kind === 'directory') return posix.join(dest, item.path);
  return `${posix.join(dest, posix.dirname(item.path))}/`;
}

/**
 * `COPY --parents a/./b/*.txt /dest/`: the items of a source, each keeping its path relative to
 * the pivot (`a` here), or to the context root (the image's `/`) when there is none.
 */
export async function parentsItems(ctx: StepContext, source: string, image: ImageFiles | undefined, from: string | undefined): Promise<CopyItem[]> {
  const at = source.indexOf('/./');
  const pivot = at < 0 ? '' : source.slice(0, at);
  const path = at < 0 ? source : `${pivot}/${source.slice(at + 3)}`;
  const found = image ? await image.items(path, `--from=${from}`) : await contextItems(ctx.services.context, path, false);
  const root = posix.join('/', pivot);
  return found.map((item) => ({ ...item, path: posix.relative(root, posix.join('/', item.path ?? item.name)) || '.' }));
}
