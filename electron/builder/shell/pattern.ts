/**
 * The glob patterns of `${V#p}`, `${V%p}` and `${V/p/r}`: `*` matches any run of
 * characters, `?` one character, and `\` escapes `*`, `?`, `\`, `}` and `/`. There are no
 * bracket expressions. buildkit turns a pattern into a Go regular expression, so this
 * matcher reproduces what that expression would match: leftmost match first, wildcards
 * that never cross a newline, and Go's rules for replacing every match.
 */

/** A pattern that cannot be used; the lexer adds which pattern it was. */
export class PatternError extends Error {}

type GlobToken = { kind: 'literal'; char: string } | { kind: 'anyOne' } | { kind: 'anyRun' };

const ANY_ONE: GlobToken = { kind: 'anyOne' };
const ANY_RUN: GlobToken = { kind: 'anyRun' };

/** Removes the shortest (or, if `longest`, the longest) prefix of `value` that `pattern` matches. */
export function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const chars = Array.from(value);
  const end = new Matcher(parsePattern(pattern), chars, longest).endOfMatchAt(0);
  return end < 0 ? value : chars.slice(end).join('');
}

/** Removes the shortest (or, if `longest`, the longest) suffix of `value` that `pattern` matches. */
export function trimSuffix(value: string, pattern: string, longest: boolean): string {
  // A regular expression finds the leftmost match, so search the reversed value with the
  // reversed pattern (as buildkit does) and turn the remainder back around.
  const reversed = Array.from(value).reverse();
  const tokens = parsePattern(reverseKeepingEscapes(pattern));
  const end = new Matcher(tokens, reversed, longest).endOfMatchAt(0);
  return end < 0 ? value : reversed.slice(end).reverse().join('');
}

/** `${V/p/r}`: replaces the leftmost, longest-wildcard match, taking `replacement` literally. */
export function replaceFirst(value: string, pattern: string, replacement: string): string {
  const chars = Array.from(value);
  const match = new Matcher(parsePattern(pattern), chars, true).find(0);
  if (!match) return value;
  return chars.slice(0, match.start).join('') + replacement + chars.slice(match.end).join('');
}

/**
 * `${V//p/r}`: replaces every match the way Go's Regexp.ReplaceAllString does, which is
 * what buildkit calls. That includes its `$` templates in `replacement` (see expandTemplate)
 * and its handling of empty matches.
 */
export function replaceEvery(value: string, pattern: string, replacement: string): string {
  const chars = Array.from(value);
  const matcher = new Matcher(parsePattern(pattern), chars, true);
  let result = '';
  let lastEnd = 0;
  for (let from = 0; from <= chars.length; ) {
    const match = matcher.find(from);
    if (!match) break;
    const matched = chars.slice(match.start, match.end).join('');
    result += chars.slice(lastEnd, match.start).join('');
    // Go skips an empty match right after the previous match, so `*` replaces "abc" once.
    if (match.end > lastEnd || match.start === 0) result += expandTemplate(replacement, matched);
    lastEnd = match.end;
    from = Math.max(match.end, from + 1);
  }
  return result + chars.slice(lastEnd).join('');
}

/**
 * Go's Regexp.Expand: `$$` is `$`, and `$name` / `${name}` is a capture group. buildkit's
 * patterns have no groups, so only group 0 (the whole match) gives text; any other name
 * gives nothing, and a `$` that starts no name stays as it is.
 */
function expandTemplate(template: string, matched: string): string {
  if (!template.includes('$')) return template;
  return template.replace(
    /\$(?:\$|\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))?/gu,
    (all: string, braced?: string, bare?: string) => {
      if (all === '$$') return '$';
      const name = braced ?? bare;
      if (name === undefined) return '$';
      return name === '0' ? matched : '';
    },
  );
}

function parsePattern(pattern: string): GlobToken[] {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  // buildkit reads the pattern with Go's text/scanner, which ignores a leading byte-order mark.
  for (let i = chars[0] === '\uFEFF' ? 1 : 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') tokens.push(ANY_RUN);
    else if (ch === '?') tokens.push(ANY_ONE);
    else if (ch !== '\\') tokens.push({ kind: 'literal', char: ch });
    else {
      const escaped = chars[i + 1];
      // `\}` and `\/` only kept the ${} syntax from ending early: the `}` or `/` is literal.
      if (escaped === '}' || escaped === '/') continue;
      if (escaped === '*' || escaped === '?' || escaped === '\\') {
        tokens.push({ kind: 'literal', char: escaped });
        i++;
      } else if (escaped === undefined) {
        throw new PatternError("invalid escape '\\' at end of pattern");
      } else {
        throw new PatternError(`invalid escape '\\${escaped}'`);
      }
    }
  }
  return tokens;
}

/** Reverses a pattern but keeps each `\x` escape pair in order: `a\*c` becomes `c\*a`. */
function reverseKeepingEscapes(pattern: string): string {
  const chars = Array.from(pattern);
  const units: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) units.push(chars[i] + chars[++i]!);
    else units.push(chars[i]!);
  }
  return units.reverse().join('');
}

/** `**` matches what `*` matches, with the same preferred end: one state per run keeps threads few. */
function mergeStarRuns(tokens: readonly GlobToken[]): GlobToken[] {
  return tokens.filter((token, i) => !(token.kind === 'anyRun' && tokens[i - 1]?.kind === 'anyRun'));
}

/** The threads of one position, in priority order, at most one per pattern state. */
class ThreadList {
  readonly states: Int32Array;
  readonly starts: Int32Array;
  length = 0;
  private readonly stamp: Int32Array;
  private generation = 1;

  constructor(size: number) {
    this.states = new Int32Array(size);
    this.starts = new Int32Array(size);
    this.stamp = new Int32Array(size);
  }

  clear(): void {
    this.length = 0;
    this.generation++;
  }

  has(state: number): boolean {
    return this.stamp[state] === this.generation;
  }

  /** Adds a thread unless a thread of higher priority already holds `state`. */
  push(state: number, start: number): void {
    if (this.has(state)) return;
    this.stamp[state] = this.generation;
    this.states[this.length] = state;
    this.starts[this.length++] = start;
  }
}

/**
 * Finds matches with the preferences of Go's leftmost-first regexps (a `*` takes the most
 * characters it can when greedy, the fewest otherwise) by stepping every live thread one
 * character at a time, as Go's own matcher does: time grows with value length times pattern
 * length, and nothing recurses, however long either is.
 */
class Matcher {
  private readonly tokens: readonly GlobToken[];
  private current: ThreadList;
  private following: ThreadList;

  constructor(
    tokens: readonly GlobToken[],
    private readonly chars: readonly string[],
    private readonly greedy: boolean,
  ) {
    this.tokens = mergeStarRuns(tokens);
    this.current = new ThreadList(this.tokens.length + 1);
    this.following = new ThreadList(this.tokens.length + 1);
  }

  /** The leftmost match starting at `from` or later. */
  find(from: number): { start: number; end: number } | undefined {
    return this.run(from, false);
  }

  /** Where the preferred match that starts exactly at `start` ends, or -1. */
  endOfMatchAt(start: number): number {
    return this.run(start, true)?.end ?? -1;
  }

  private run(from: number, anchored: boolean): { start: number; end: number } | undefined {
    const done = this.tokens.length;
    let found: { start: number; end: number } | undefined;
    this.current.clear();
    for (let position = from; position <= this.chars.length; position++) {
      // A thread starting here ranks below every earlier start: leftmost wins.
      if (!found && (position === from || !anchored)) this.enter(this.current, 0, position);
      if (this.current.length === 0) break;
      const ch = this.chars[position];
      this.following.clear();
      for (let i = 0; i < this.current.length; i++) {
        const state = this.current.states[i]!;
        const start = this.current.starts[i]!;
        if (state === done) {
          // Threads after this one rank lower than this match: drop them.
          found = { start, end: position };
          break;
        }
        const token = this.tokens[state]!;
        if (ch === undefined || !matchesOne(token, ch)) continue;
        this.enter(this.following, token.kind === 'anyRun' ? state : state + 1, start);
      }
      [this.current, this.following] = [this.following, this.current];
    }
    return found;
  }

  /** Adds a thread at `state`; a `*` may also match nothing, in the order its greed prefers. */
  private enter(list: ThreadList, state: number, start: number): void {
    if (this.tokens[state]?.kind !== 'anyRun') {
      list.push(state, start);
      return;
    }
    if (list.has(state)) return;
    // After merging, the state after a `*` is never another `*`.
    if (!this.greedy) list.push(state + 1, start);
    list.push(state, start);
    if (this.greedy) list.push(state + 1, start);
  }
}

/** Like Go's `.`, wildcards never match a newline. */
function matchesOne(token: GlobToken, ch: string): boolean {
  return token.kind === 'literal' ? ch === token.char : ch !== '\n';
}
