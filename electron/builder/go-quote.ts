// Go's strconv.Quote, which the AST dump uses for every string.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

/** Go `unicode.IsPrint` / `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols, ASCII space. */
function isGoPrintable(ch: string): boolean {
  return ch === ' ' || PRINTABLE.test(ch);
}

function quoteCodePoint(ch: string): string {
  if (ch === '"' || ch === '\\') return `\\${ch}`;
  if (isGoPrintable(ch)) return ch;
  const named = NAMED_ESCAPES[ch];
  if (named !== undefined) return named;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  // A lone surrogate (only possible from string input) has no Go equivalent; \u keeps it visible.
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Go `strconv.Quote`, code point by code point. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteCodePoint(ch);
  return `${out}"`;
}
