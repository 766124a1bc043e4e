// Character classes as Go's standard library defines them. BuildKit's parser relies on
// these, and JavaScript's own (`\s`, `trim()`) differ: JS counts U+FEFF as space and
// not U+0085; Go's regexp `\s` is ASCII-only.

/** Go `unicode.IsSpace`: the Unicode White_Space property. */
const GO_SPACES = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** `ch` is one code point (or one UTF-16 unit: every space is in the BMP). */
export function isGoSpace(ch: string): boolean {
  return GO_SPACES.has(ch.charCodeAt(0)) && ch.length === 1;
}

export function goTrimLeft(s: string): string {
  let start = 0;
  while (start < s.length && GO_SPACES.has(s.charCodeAt(start))) start++;
  return s.slice(start);
}

export function goTrimRight(s: string): string {
  let end = s.length;
  while (end > 0 && GO_SPACES.has(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Go `strings.TrimSpace`. */
export function goTrimSpace(s: string): string {
  return goTrimRight(goTrimLeft(s));
}

/** BuildKit's `reWhitespace`: the separator between keyword and arguments, and between plain words. */
export const BLANK_RUN = /[\t\v\f\r ]+/;

/**
 * Go `strings.ToLower`: maps one code point to one code point, so unlike JS it never
 * expands (U+0130 becomes plain `i`) and has no final-sigma rule.
 */
export function goToLower(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') {
      out += 'i';
      continue;
    }
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}

const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Go `unicode.IsLetter`. */
export function isGoLetter(ch: string): boolean {
  return LETTER.test(ch);
}

/** Go `unicode.IsDigit` (decimal digits in any script). */
export function isGoDigit(ch: string): boolean {
  return DECIMAL_DIGIT.test(ch);
}

// Two BuildKit scanners (flags, HEALTHCHECK's type word) walk UTF-8 *bytes* and treat
// each byte as a code point U+0000..U+00FF. These helpers let them do the same.

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

export function utf8Bytes(s: string): Uint8Array {
  return ENCODER.encode(s);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string UTF-8 would give back: every lone surrogate becomes U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Text of a byte range; a range cut inside a character shows U+FFFD where Go keeps raw bytes. */
export function utf8Text(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

/** Go `unicode.IsSpace(rune(b))` for one byte: ASCII blanks plus 0x85 and 0xA0. */
export function isGoSpaceByte(b: number): boolean {
  return (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0x85 || b === 0xa0;
}
