/**
 * COPY/ADD options of the Dockerfile reference that the classic builder lacks: `--chmod`
 * (octal, as BuildKit accepts it) and `--exclude` (patterns like .dockerignore's, matched
 * against paths relative to each source).
 */
import { PatternMatcher } from '../context/ignore';
import type { Header } from './retar';

/** BuildKit's rule: an octal number no greater than 07777. */
export function parseChmod(value: string): number {
  const mode = /^[0-7]+$/.test(value) ? Number.parseInt(value, 8) : Number.NaN;
  if (!(mode <= 0o7777)) throw new Error(`invalid chmod parameter: '${value}'. it should be octal string and between 0 and 07777`);
  return mode;
}

/** The header with its permission bits replaced (the file type bits are kept). */
export function withMode<H extends Pick<Header, 'mode'>>(header: H, mode: number | undefined): H {
  if (mode === undefined) return header;
  return { ...header, mode: ((header.mode ?? 0) & ~0o7777) | mode };
}

/** Is `relative` (a path inside one source) left out by the `--exclude` patterns? */
export function excludeMatcher(patterns: readonly string[]): ((relative: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const matcher = new PatternMatcher(patterns);
  return (relative) => matcher.matchesOrParentMatches(relative);
}
