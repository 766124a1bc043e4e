/**
 * Translates the Go (RE2) regular expressions that moby/patternmatcher builds from .dockerignore
 * patterns into equivalent JavaScript ones. Only the syntax those expressions can contain is
 * supported: literals, `\` escapes, classes, `.`, `*`, `?`, groups, `|`, `^`, `$`. Anything Go
 * would reject, or that has no exact JavaScript twin, throws UnsupportedRegexpError.
 */

export class UnsupportedRegexpError extends Error {}

const GO_SPACE = '\\t\\n\\f\\r ';

export function goRegexpToJs(source: string): RegExp {
  const chars = Array.from(source);
  let js = '';
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i]!;
    if (ch === '\\') {
      const escape = translateEscape(chars, i, false);
      js += escape.js;
      i = escape.next;
    } else if (ch === '[') {
      const cls = translateClass(chars, i);
      js += cls.js;
      i = cls.next;
    } else {
      // Go's `.` stops only at \n; JavaScript's also stops at \r, U+2028 and U+2029.
      const repeat = ch === '{' ? /^\{\d+(,\d*)?\}/.exec(chars.slice(i, i + 24).join('')) : null;
      if (repeat) {
        // `{n}`, `{n,}`, `{n,m}` repeat in both; any other brace is a literal in Go.
        js += repeat[0];
        i += repeat[0].length;
        continue;
      }
      if (ch === '.') js += '[^\\n]';
      else if ('^$*?()|'.includes(ch)) js += ch;
      else js += literal(ch);
      i++;
    }
  }
  return new RegExp(js, 'u');
}

/** A character matched literally, spelled so it is literal in and out of a class (`u` mode). */
function literal(ch: string): string {
  if (/^[\p{L}\p{N}_]$/u.test(ch)) return ch;
  return `\\u{${ch.codePointAt(0)!.toString(16)}}`;
}

function translateEscape(chars: string[], at: number, inClass: boolean): { js: string; next: number } {
  const ch = chars[at + 1];
  if (ch === undefined) throw new UnsupportedRegexpError('trailing backslash at end of expression');
  const next = at + 2;
  // Go escapes only ASCII punctuation to a literal; `\é` is an error there.
  if (/^[\x20-\x7e]$/.test(ch) && !/^[0-9A-Za-z]$/.test(ch)) return { js: literal(ch), next };
  switch (ch) {
    case 'a':
      return { js: '\\x07', next };
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case 'd':
    case 'D':
    case 'w':
    case 'W':
      // Same meaning in both (ASCII classes in JavaScript's `u` mode without `i`).
      return { js: `\\${ch}`, next };
    case 's':
      return { js: inClass ? GO_SPACE : `[${GO_SPACE}]`, next };
    case 'S':
      if (!inClass) return { js: `[^${GO_SPACE}]`, next };
      break;
    case 'b':
    case 'B':
      if (!inClass) return { js: `\\${ch}`, next };
      break;
    case 'A':
      if (!inClass) return { js: '^', next };
      break;
    case 'z':
      if (!inClass) return { js: '$', next };
      break;
    case 'x':
      return hexEscape(chars, next);
    case 'Q':
      if (!inClass) return quotedRun(chars, next);
      break;
  }
  throw new UnsupportedRegexpError(`unsupported escape \\${ch}`);
}

/** `\xHH` or `\x{H...}`. */
function hexEscape(chars: string[], at: number): { js: string; next: number } {
  let digits: string;
  let next: number;
  if (chars[at] === '{') {
    const close = chars.indexOf('}', at);
    if (close < 0) throw new UnsupportedRegexpError('invalid escape \\x{');
    digits = chars.slice(at + 1, close).join('');
    next = close + 1;
  } else {
    digits = chars.slice(at, at + 2).join('');
    next = at + 2;
  }
  const code = /^[0-9A-Fa-f]{1,8}$/.test(digits) ? parseInt(digits, 16) : NaN;
  if (!(code <= 0x10ffff) || (digits.length !== 2 && chars[at] !== '{')) {
    throw new UnsupportedRegexpError(`invalid escape \\x${digits}`);
  }
  return { js: `\\u{${code.toString(16)}}`, next };
}

/** `\Q...\E`: everything literal up to `\E` or the end. */
function quotedRun(chars: string[], at: number): { js: string; next: number } {
  let js = '';
  let i = at;
  for (; i < chars.length; i++) {
    if (chars[i] === '\\' && chars[i + 1] === 'E') return { js, next: i + 2 };
    js += literal(chars[i]!);
  }
  return { js, next: i };
}

/** A Go class: `]` right after `[` or `[^` is literal, `-` is literal unless it forms a range. */
function translateClass(chars: string[], at: number): { js: string; next: number } {
  let i = at + 1;
  let js = '[';
  if (chars[i] === '^') {
    js += '^';
    i++;
  }
  let first = true;
  while (i < chars.length && (chars[i] !== ']' || first)) {
    first = false;
    if (chars[i] === '[' && chars[i + 1] === ':' && chars.slice(i + 2).join('').includes(':]')) {
      throw new UnsupportedRegexpError('POSIX character classes are not supported');
    }
    const lo = classAtom(chars, i);
    i = lo.next;
    if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
      const hi = classAtom(chars, i + 1);
      if (lo.code === undefined || hi.code === undefined || lo.code > hi.code) {
        throw new UnsupportedRegexpError('invalid character class range');
      }
      js += `${lo.js}-${hi.js}`;
      i = hi.next;
    } else {
      js += lo.js;
    }
  }
  if (i >= chars.length) throw new UnsupportedRegexpError('missing closing ]');
  return { js: `${js}]`, next: i + 1 };
}

/** One member of a class; `code` is set when it is a single character (so it can bound a range). */
function classAtom(chars: string[], at: number): { js: string; code?: number; next: number } {
  const ch = chars[at]!;
  if (ch !== '\\') return { js: literal(ch), code: ch.codePointAt(0)!, next: at + 1 };
  const escaped = chars[at + 1];
  if (escaped !== undefined && /^[\x20-\x7e]$/.test(escaped) && !/^[0-9A-Za-z]$/.test(escaped)) {
    return { js: literal(escaped), code: escaped.codePointAt(0)!, next: at + 2 };
  }
  const { js, next } = translateEscape(chars, at, true);
  const single = /^\\u\{([0-9a-f]+)\}$/.exec(js);
  return single ? { js, code: parseInt(single[1]!, 16), next } : { js, next };
}
