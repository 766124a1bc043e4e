import { ExpansionFailure, ShellExpansionError } from './errors';
import { Expansion, type ExpansionOutcome, type ExpansionSettings, type ShellEnv } from './expansion';

export interface LexerOptions {
  /** The Dockerfile's escape character (`# escape=` directive). Default `\`. */
  escapeToken?: '\\' | '`';
  /** Keep quote characters in the output. */
  rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  rawEscapes?: boolean;
  /** Leave `$UNSET` and `${UNSET...}` as written instead of expanding them to ''. */
  skipUnsetEnv?: boolean;
  /** Treat quotes as ordinary characters (BuildKit's SkipProcessQuotes, for heredoc contents). */
  skipProcessQuotes?: boolean;
}

export interface WordResult {
  word: string;
  /** Variables the word referred to that were set. */
  matched: Set<string>;
  /** Variables the word referred to that were not set (for lint warnings). */
  unmatched: Set<string>;
}

/**
 * Dockerfile word expansion with the semantics of buildkit's shell lexer
 * (frontend/dockerfile/shell/lex.go), which Docker's builders use: quote removal, escapes,
 * `$VAR` and `${VAR...}` expansion and, in multi-word mode, word splitting.
 * Errors are ShellExpansionError.
 */
export class ShellLexer {
  private readonly settings: ExpansionSettings;

  constructor(options: LexerOptions = {}) {
    const escapeToken = options.escapeToken ?? '\\';
    if (escapeToken !== '\\' && escapeToken !== '`') {
      throw new TypeError(`invalid escape token ${JSON.stringify(escapeToken)}`);
    }
    this.settings = {
      escapeToken,
      rawQuotes: options.rawQuotes ?? false,
      rawEscapes: options.rawEscapes ?? false,
      skipUnsetEnv: options.skipUnsetEnv ?? false,
      skipProcessQuotes: options.skipProcessQuotes ?? false,
    };
  }

  /** Expands `word` into one string; whitespace is kept as it is. */
  processWord(word: string, env: ShellEnv): string {
    return this.expand(word, env, false).text;
  }

  /** Like processWord, and also tells which variables were found and which were not. */
  processWordWithMatches(word: string, env: ShellEnv): WordResult {
    const { text, matched, unmatched } = this.expand(word, env, false);
    return { word: text, matched, unmatched };
  }

  /** Expands `word` and splits it into words on unquoted whitespace. */
  processWords(word: string, env: ShellEnv): string[] {
    return this.expand(word, env, true).words;
  }

  private expand(word: string, env: ShellEnv, splitWords: boolean): ExpansionOutcome {
    try {
      return new Expansion(word, env, this.settings, splitWords).run();
    } catch (error) {
      if (error instanceof ExpansionFailure) throw new ShellExpansionError(word, error.message);
      throw error;
    }
  }
}
