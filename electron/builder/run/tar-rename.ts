/**
 * Re-roots a tar stream from the engine (`GET /containers/{id}/archive`) under another name, so
 * a path copied out of a stage's image lands where a bind mount expects it. Hard links are
 * re-rooted with their targets; owners, modes, times and PAX records stay.
 */
import { Readable } from 'node:stream';
import tar from 'tar-stream';

/** `rename(name)` gives the new name, or undefined to leave the entry out. */
export function renameTarEntries(source: Readable, rename: (name: string) => string | undefined): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    const name = rename(header.name);
    if (name === undefined) {
      stream.resume();
      stream.on('end', () => next());
      return;
    }
    const renamed: Partial<tar.Header> & { name: string } = { ...header, name };
    if (header.type === 'link' && header.linkname) renamed.linkname = rename(header.linkname) ?? header.linkname;
    if (header.pax) {
      // The packer writes path and linkpath from the header itself.
      const { path: _path, linkpath: _linkpath, ...pax } = header.pax as Record<string, string>;
      renamed.pax = pax;
    }
    const entry = pack.entry(renamed, (err) => next(err ?? undefined));
    stream.pipe(entry as unknown as NodeJS.WritableStream);
  });
  extract.on('finish', () => pack.finalize());
  const fail = (err: Error) => pack.destroy(err);
  extract.on('error', fail);
  source.on('error', fail);
  source.pipe(extract as unknown as NodeJS.WritableStream);
  return pack as unknown as Readable;
}

/** For a directory read as `<dir>/.`: `./x` -> `<root>/x`, `./` -> `<root>/`. */
export function underRoot(root: string): (name: string) => string | undefined {
  return (name) => {
    const rest = name.replace(/^\.\/?/, '').replace(/^\/+/, '');
    return rest ? `${root}/${rest}` : `${root}/`;
  };
}
