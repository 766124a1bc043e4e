import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export type Header = tar.Header;

/**
 * Streams one tar into another, renaming or dropping entries and rewriting their headers on
 * the way: entries are piped one at a time, so memory stays flat whatever the sizes.
 */
export function retar(source: Readable, rewrite: (header: Header) => Header | undefined): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    const out = rewrite(header);
    if (!out) {
      stream.on('end', () => next());
      stream.resume();
      return;
    }
    const sink = pack.entry(namesFromHeader(keepZeroMode(out)), (err) => next(err ?? undefined));
    stream.pipe(sink as unknown as NodeJS.WritableStream);
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (err) => pack.destroy(err));
  pipeline(source, extract as unknown as NodeJS.WritableStream).catch((err: Error) => pack.destroy(err));
  return pack as unknown as Readable;
}

/**
 * tar-stream's pack replaces a zero mode (chmod 000) with its default 644/755. A file type bit
 * makes the mode non-zero; the header keeps only the low 12 bits, so it is written as 0.
 */
function keepZeroMode(header: Header): Header {
  return header.mode === 0 ? { ...header, mode: 0o100000 } : header;
}

/**
 * A long name arrives in the source's PAX record as `path`/`linkpath`; the packer writes the
 * header's own name and link first and the PAX keys after, so a stale key would undo a rename.
 */
function namesFromHeader(header: Header): Header {
  const source = header.pax as Record<string, string> | undefined;
  if (!source || !('path' in source || 'linkpath' in source)) return header;
  const { path: _path, linkpath: _linkpath, ...pax } = source;
  return { ...header, pax };
}

/** A tar of directory entries only (the parents a copy must create). */
export function directoriesTar(dirs: { name: string; uid: number; gid: number }[]): Readable {
  const pack = tar.pack();
  const now = new Date();
  for (const dir of dirs) pack.entry({ name: `${dir.name}/`, type: 'directory', mode: 0o755, uid: dir.uid, gid: dir.gid, mtime: now });
  pack.finalize();
  return pack as unknown as Readable;
}
