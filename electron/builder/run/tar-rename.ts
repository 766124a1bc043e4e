/**
 * Re-roots a tar stream from the engine (`GET /containers/{id}/archive`) under another name, so
 * a path copied out of a stage's image lands where a bind mount expects it. Hard links are
 * re-rooted with their targets; owners, modes, times and PAX records stay.
 */
import type { Readable } from 'node:stream';
import { retar } from '../copy/retar';

/** `rename(name)` gives the new name, or undefined to leave the entry out. */
export function renameTarEntries(source: Readable, rename: (name: string) => string | undefined): Readable {
  return retar(source, (header) => {
    const name = rename(header.name);
    if (name === undefined) return undefined;
    const linkname = header.type === 'link' && header.linkname ? (rename(header.linkname) ?? header.linkname) : header.linkname;
    return { ...header, name, linkname };
  });
}

/** For a directory read as `<dir>/.`: `./x` -> `<root>/x`, `./` -> `<root>/`. */
export function underRoot(root: string): (name: string) => string | undefined {
  return (name) => {
    const rest = name.replace(/^\.\/?/, '').replace(/^\/+/, '');
    return rest ? `${root}/${rest}` : `${root}/`;
  };
}
