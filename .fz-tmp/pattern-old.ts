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

/**
 * Backtracking matcher with the preferences of Go's leftmost-first regexps: a `*` tries
 * the most characters first when greedy, the fewest otherwise. Dead (token, position)
 * pairs are remembered, which keeps the search polynomial however many `*` there are.
 */
class Matcher {
  private readonly deadEnds = new Set<number>();

  constructor(
    private readonly tokens: readonly GlobToken[],
    private readonly chars: readonly string[],
    private readonly greedy: boolean,
  ) {}

  /** The leftmost match starting at `from` or later. */
  find(from: number): { start: number; end: number } | undefined {
    for (let start = from; start <= this.chars.length; start++) {
      const end = this.endOfMatchAt(start);
      if (end >= 0) return { start, end };
    }
    return undefined;
  }

  /** Where the preferred match that starts exactly at `start` ends, or -1. */
  endOfMatchAt(start: number): number {
    return this.match(0, start);
  }

  private match(tokenIndex: number, position: number): number {
    const token = this.tokens[tokenIndex];
    if (!token) return position;
    const key = tokenIndex * (this.chars.length + 1) + position;
    if (this.deadEnds.has(key)) return -1;

    let end = -1;
    if (token.kind === 'anyRun') {
      // Like Go's `.`, wildcards stop at a newline.
      let reach = position;
      while (reach < this.chars.length && this.chars[reach] !== '\n') reach++;
      if (this.greedy) {
        for (let stop = reach; stop >= position && end < 0; stop--) end = this.match(tokenIndex + 1, stop);
      } else {
        for (let stop = position; stop <= reach && end < 0; stop++) end = this.match(tokenIndex + 1, stop);
      }
    } else if (this.matchesOne(token, this.chars[position])) {
      end = this.match(tokenIndex + 1, position + 1);
    }

    if (end < 0) this.deadEnds.add(key);
    return end;
  }

  private matchesOne(token: GlobToken, ch: string | undefined): boolean {
    if (ch === undefined) return false;
    return token.kind === 'literal' ? ch === token.char : ch !== '\n';
  }
}
