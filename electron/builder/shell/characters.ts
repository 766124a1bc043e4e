/**
 * Character classes with the meaning Go's `unicode` package gives them, since buildkit's
 * lexer decides names and word boundaries with those functions, not with ASCII tables.
 */

const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
// Go's unicode.IsSpace is exactly the White_Space property (unlike JS `\s`, which adds
// U+FEFF and leaves out U+0085).
const WHITE_SPACE = /^\p{White_Space}$/u;

/** Go `unicode.IsDigit`: any decimal digit, not only 0-9. */
export function isDigit(ch: string): boolean {
  return DECIMAL_DIGIT.test(ch);
}

/** A character that may continue a variable name: Go `IsLetter || IsDigit || '_'`. */
export function isNameCharacter(ch: string): boolean {
  return ch === '_' || LETTER.test(ch) || DECIMAL_DIGIT.test(ch);
}

/** Go `unicode.IsSpace`: what separates words in multi-word mode. */
export function isSpace(ch: string): boolean {
  return WHITE_SPACE.test(ch);
}

/** POSIX special parameters ($@, $*, $#, ...): their name is that one character. */
export function isSpecialParameter(ch: string): boolean {
  return ch.length === 1 && '@*#?-$!0'.includes(ch);
}

/** The blanks a heredoc marker may have between `<<` and its word. */
export function isHeredocBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r';
}
