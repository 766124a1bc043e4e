import { goQuote } from '../go-quote';

/** Thrown for every word the expander cannot process. The message reads like buildkit's. */
export class ShellExpansionError extends Error {
  override readonly name = 'ShellExpansionError';

  constructor(
    /** The word as it was given to the lexer. */
    readonly word: string,
    /** What went wrong, without the word: `A: is not allowed to be unset`. */
    readonly reason: string,
  ) {
    super(`failed to process ${goQuote(word)}: ${reason}`);
  }
}

/**
 * Raised deep inside a scan; the lexer adds the word and rethrows it as a
 * ShellExpansionError. A separate class so real bugs are never mistaken for input errors.
 */
export class ExpansionFailure extends Error {}
