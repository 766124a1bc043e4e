/**
 * Go's path/filepath.Match (Unix flavour), which the classic builder applies to COPY/ADD
 * wildcards: `*` (no `/`), `?`, `[...]` / `[^...]` classes with ranges, `\` escapes. Go works on
 * UTF-8 bytes (a `*` may even stop inside a character), so this port does too.
 */

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const RUNE_ERROR = 0xfffd;

/** Go's filepath.ErrBadPattern. */
const BAD_PATTERN = 'bad-pattern';
type Verdict = boolean | typeof BAD_PATTERN;

const encoder = new TextEncoder();

/** Whether `name` matches `pattern`; a malformed pattern matches nothing (as copy.go treats it). */
export function matchGoPattern(pattern: string, name: string): boolean {
  return match(encoder.encode(pattern), encoder.encode(name)) === true;
}

/**
 * Whether Go reports the pattern as malformed when matching `probe`. Go only notices some
 * errors on the way, so patternmatcher checks patterns by matching them against ".".
 */
export function isBadGoPattern(pattern: string, probe = '.'): boolean {
  return match(encoder.encode(pattern), encoder.encode(probe)) === BAD_PATTERN;
}

/** copy.go's containsWildcards: an unescaped `*`, `?` or `[` makes a source a pattern. */
export function containsWildcards(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

function match(pattern: Uint8Array, name: Uint8Array): Verdict {
  nextChunk: while (pattern.length > 0) {
    const { star, chunk, rest } = scanChunk(pattern);
    pattern = rest;
    // A trailing `*` matches the rest of the name unless it has a `/`.
    if (star && chunk.length === 0) return !name.includes(SLASH);
    const here = matchChunk(chunk, name);
    // The last chunk must use up the name; otherwise a later star could still match.
    if (here !== BAD_PATTERN && here !== undefined && (here.length === 0 || pattern.length > 0)) {
      name = here;
      continue;
    }
    if (here === BAD_PATTERN) return BAD_PATTERN;
    if (star) {
      // Let the star swallow i+1 bytes, never a `/`.
      for (let i = 0; i < name.length && name[i] !== SLASH; i++) {
        const skipped = matchChunk(chunk, name.subarray(i + 1));
        if (skipped === BAD_PATTERN) return BAD_PATTERN;
        if (skipped === undefined) continue;
        if (pattern.length === 0 && skipped.length > 0) continue;
        name = skipped;
        continue nextChunk;
      }
    }
    return false;
  }
  return name.length === 0;
}

/** The next run of non-star pattern, and whether stars came before it. */
function scanChunk(pattern: Uint8Array): { star: boolean; chunk: Uint8Array; rest: Uint8Array } {
  let star = false;
  while (pattern.length > 0 && pattern[0] === STAR) {
    pattern = pattern.subarray(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case BACKSLASH:
        if (i + 1 < pattern.length) i++;
        break;
      case OPEN_BRACKET:
        inRange = true;
        break;
      case CLOSE_BRACKET:
        inRange = false;
        break;
      case STAR:
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: pattern.subarray(0, i), rest: pattern.subarray(i) };
}

/**
 * Matches a star-free chunk against the start of `s`: the rest of `s`, undefined for no match.
 * After a mismatch it keeps parsing the chunk, so malformed chunks are reported (Go ≥ 1.16).
 */
function matchChunk(chunk: Uint8Array, s: Uint8Array): Uint8Array | undefined | typeof BAD_PATTERN {
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const op = chunk[0];
    if (op === OPEN_BRACKET) {
      let rune = 0;
      if (!failed) {
        const decoded = decodeRune(s);
        rune = decoded.rune;
        s = s.subarray(decoded.size);
      }
      chunk = chunk.subarray(1);
      const negated = chunk.length > 0 && chunk[0] === CARET;
      if (negated) chunk = chunk.subarray(1);
      let matched = false;
      for (let ranges = 0; ; ranges++) {
        if (chunk.length > 0 && chunk[0] === CLOSE_BRACKET && ranges > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = classChar(chunk);
        if (lo === BAD_PATTERN) return BAD_PATTERN;
        chunk = lo.rest;
        let hi = lo.rune;
        if (chunk[0] === DASH) {
          const upper = classChar(chunk.subarray(1));
          if (upper === BAD_PATTERN) return BAD_PATTERN;
          hi = upper.rune;
          chunk = upper.rest;
        }
        if (lo.rune <= rune && rune <= hi) matched = true;
      }
      if (matched === negated) failed = true;
    } else if (op === QUESTION) {
      if (!failed) {
        if (s[0] === SLASH) failed = true;
        s = s.subarray(decodeRune(s).size);
      }
      chunk = chunk.subarray(1);
    } else {
      if (op === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return BAD_PATTERN;
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.subarray(1);
      }
      chunk = chunk.subarray(1);
    }
  }
  return failed ? undefined : s;
}

/** Go's getEsc: one possibly escaped character of a class; the class must go on after it. */
function classChar(chunk: Uint8Array): { rune: number; rest: Uint8Array } | typeof BAD_PATTERN {
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === CLOSE_BRACKET) return BAD_PATTERN;
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return BAD_PATTERN;
  }
  const { rune, size } = decodeRune(chunk);
  const rest = chunk.subarray(size);
  if ((rune === RUNE_ERROR && size === 1) || rest.length === 0) return BAD_PATTERN;
  return { rune, rest };
}

/** Go's utf8.DecodeRune: invalid or truncated sequences decode as U+FFFD of size 1. */
function decodeRune(bytes: Uint8Array): { rune: number; size: number } {
  const b0 = bytes[0];
  if (b0 === undefined) return { rune: RUNE_ERROR, size: 0 };
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const size = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? (b0 < 0xf0 ? 3 : 0) : b0 >= 0xc2 ? 2 : 0;
  if (size === 0 || bytes.length < size) return { rune: RUNE_ERROR, size: 1 };
  let rune = b0 & (0xff >> (size + 1));
  for (let i = 1; i < size; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) return { rune: RUNE_ERROR, size: 1 };
    rune = (rune << 6) | (b & 0x3f);
  }
  const shortest = size === 2 ? 0x80 : size === 3 ? 0x800 : 0x10000;
  if (rune < shortest || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) {
    return { rune: RUNE_ERROR, size: 1 };
  }
  return { rune, size };
}
