/**
 * .dockerignore as the current Docker CLI and engine read and apply it: moby/patternmatcher
 * (ignorefile.ReadAll, New, Matches, MatchesOrParentMatches, MatchesUsingParentResults).
 *
 * Not @balena/dockerignore: it ports the Docker 19.03 matcher (only one parent level is
 * checked, `+ ( ) | { }` act as regexp syntax, case-insensitive by default), which disagrees
 * with what today's CLI sends to the engine.
 */
import { goRegexpToJs, UnsupportedRegexpError } from './go-regexp';
import { isBadGoPattern } from './match';
import { cleanPath } from './paths';

export class IgnorePatternError extends Error {}

// Go's unicode.IsSpace, which strings.TrimSpace uses.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`);

function trimSpace(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/**
 * ignorefile.ReadAll: drops a UTF-8 BOM and `#` comment lines (only when `#` is the first
 * character), trims each line, cleans it like a path and removes one leading `/`, keeping `!`.
 */
export function readIgnoreFile(content: Uint8Array | string): string[] {
  let text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const patterns: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let pattern = trimSpace(line);
    if (pattern === '') continue;
    const invert = pattern.startsWith('!');
    if (invert) pattern = trimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** One compiled pattern; `exception` is a `!` line that re-includes what earlier lines excluded. */
export class IgnorePattern {
  readonly dirs: readonly string[];
  private readonly test: (path: string) => boolean;

  constructor(
    /** The cleaned pattern without its `!`. */
    readonly text: string,
    readonly exception: boolean,
  ) {
    this.dirs = text.split('/');
    this.test = compile(text);
  }

  matches(path: string): boolean {
    return this.test(path);
  }
}

/**
 * patternmatcher's compile: `*` and `?` stop at `/`, `**` spans directories, `\` escapes, and
 * `[` `]` pass through to the regexp. Purely literal patterns and `**` at the start or end
 * take the exact / prefix / suffix shortcuts Go takes, whose results differ from the regexp
 * (a trailing `**` also matches the bare prefix: `a/**` matches `a/`).
 */
function compile(pattern: string): (path: string) => boolean {
  type Kind = 'exact' | 'prefix' | 'suffix' | 'regexp';
  let kind: Kind = 'exact';
  let regexp = '^';
  const chars = Array.from(pattern);
  for (let i = 0, at = 0; at < chars.length; i++) {
    const ch = chars[at++]!;
    if (ch === '*') {
      if (chars[at] === '*') {
        at++;
        if (chars[at] === '/') at++;
        if (at >= chars.length) {
          if (kind === 'exact') kind = 'prefix';
          else {
            regexp += '.*';
            kind = 'regexp';
          }
        } else {
          regexp += '(.*/)?';
          kind = 'regexp';
        }
        if (i === 0) kind = 'suffix';
      } else {
        regexp += '[^/]*';
        kind = 'regexp';
      }
    } else if (ch === '?') {
      regexp += '[^/]';
      kind = 'regexp';
    } else if ('.+()$'.includes(ch)) {
      // Go means to escape `.+()|{}$` too, but its bitmap only holds characters below 64:
      // `|`, `{` and `}` reach the regexp raw, so `a|b` alternates (when the pattern is a regexp).
      regexp += `\\${ch}`;
    } else if (ch === '\\') {
      if (at < chars.length) {
        regexp += `\\${chars[at++]!}`;
        kind = 'regexp';
      } else {
        regexp += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      regexp += ch;
      kind = 'regexp';
    } else {
      regexp += ch;
    }
  }

  switch (kind) {
    case 'exact':
      return (path) => path === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return (path) => path.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
    }
    case 'regexp': {
      let compiled: RegExp;
      try {
        compiled = goRegexpToJs(`${regexp}$`);
      } catch (err) {
        const reason = err instanceof UnsupportedRegexpError || err instanceof SyntaxError ? err.message : String(err);
        throw new IgnorePatternError(`syntax error in pattern ${JSON.stringify(pattern)}: ${reason}`);
      }
      return (path) => compiled.test(path);
    }
  }
}

/** Per-pattern results for a directory, handed down to its entries (patternmatcher.MatchInfo). */
export type ParentMatches = readonly boolean[];

export class PatternMatcher {
  readonly patterns: readonly IgnorePattern[];
  readonly hasExceptions: boolean;

  /** patternmatcher.New: trims and cleans again, rejects a lone `!` and malformed globs. */
  constructor(readonly lines: readonly string[]) {
    const patterns: IgnorePattern[] = [];
    for (const line of lines) {
      let text = trimSpace(line);
      if (text === '') continue;
      text = cleanPath(text);
      const exception = text.startsWith('!');
      if (exception) {
        if (text.length === 1) throw new IgnorePatternError('illegal exclusion pattern: "!"');
        text = text.slice(1);
      }
      if (isBadGoPattern(text)) throw new IgnorePatternError(`syntax error in pattern ${JSON.stringify(text)}`);
      patterns.push(new IgnorePattern(text, exception));
    }
    this.patterns = patterns;
    this.hasExceptions = patterns.some((pattern) => pattern.exception);
  }

  /**
   * The deprecated Matches, still used by the CLI's TrimBuildFilesFromExcludes: a pattern may
   * also match the parent prefix with as many elements as the pattern has.
   */
  matchesLegacy(file: string): boolean {
    file = cleanPath(file);
    if (file === '.') return false;
    const parentDirs = parentOf(file).split('/');
    let excluded = false;
    for (const pattern of this.patterns) {
      if (pattern.exception !== excluded) continue;
      let match = pattern.matches(file);
      if (!match && parentOf(file) !== '.' && pattern.dirs.length <= parentDirs.length) {
        match = pattern.matches(parentDirs.slice(0, pattern.dirs.length).join('/'));
      }
      if (match) excluded = !pattern.exception;
    }
    return excluded;
  }

  /** MatchesOrParentMatches: the file or any of its parent directories matches. */
  matchesOrParentMatches(file: string): boolean {
    file = cleanPath(file);
    if (file === '.') return false;
    let excluded = false;
    for (const pattern of this.patterns) {
      if (pattern.exception !== excluded) continue;
      if (pattern.matches(file) || matchesAParent(pattern, file)) excluded = !pattern.exception;
    }
    return excluded;
  }

  /**
   * MatchesUsingParentResults, which the CLI's tar walk uses: a pattern that matched the parent
   * directory matches its entries too. Without parent results (top-level entries) it checks the
   * parent directories itself. Patterns skipped because they could not change the verdict are
   * recorded as not matching, as Go does.
   */
  matchesUsingParentResults(
    file: string,
    parent: ParentMatches | undefined,
  ): { excluded: boolean; matches: ParentMatches } {
    const inherit = parent !== undefined && parent.length > 0;
    const matches = new Array<boolean>(this.patterns.length).fill(false);
    let excluded = false;
    this.patterns.forEach((pattern, i) => {
      let match = inherit ? parent[i] === true : false;
      if (!match) {
        if (pattern.exception !== excluded) return;
        match = pattern.matches(file) || (!inherit && matchesAParent(pattern, file));
      }
      matches[i] = match;
      if (match) excluded = !pattern.exception;
    });
    return { excluded, matches };
  }
}

function matchesAParent(pattern: IgnorePattern, file: string): boolean {
  const parent = parentOf(file);
  if (parent === '.') return false;
  const dirs = parent.split('/');
  for (let i = 1; i <= dirs.length; i++) {
    if (pattern.matches(dirs.slice(0, i).join('/'))) return true;
  }
  return false;
}

/** Go's filepath.Dir for a cleaned relative path. */
function parentOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '.' : cleanPath(file.slice(0, slash));
}
