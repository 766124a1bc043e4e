/** Thrown for every word the expander cannot process. The message reads like buildkit's. */
export class ShellExpansionError extends Error {
  override readonly name = 'ShellExpansionError';

  constructor(
    /** The word as it was given to the lexer. */
    readonly word: string,
    /** What went wrong, without the word: `A: is not allowed to be unset`. */
    readonly reason: string,
  ) {
    super(`failed to process ${quoteLikeGo(word)}: ${reason}`);
  }
}

/**
 * Raised deep inside a scan; the lexer adds the word and rethrows it as a
 * ShellExpansionError. A separate class so real bugs are never mistaken for input errors.
 */
export class ExpansionFailure extends Error {}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `%q` (strconv.Quote), which buildkit uses to show the word in its messages. */
function quoteLikeGo(text: string): string {
  let quoted = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') quoted += `\\${ch}`;
    else if (PRINTABLE.test(ch)) quoted += ch;
    else if (SHORT_ESCAPES[ch] !== undefined) quoted += SHORT_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) quoted += `\\u${hex(code, 4)}`;
    else quoted += `\\U${hex(code, 8)}`;
  }
  return `"${quoted}"`;
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}
