import { isDigit, isHeredocBlank, isNameCharacter, isSpecialParameter } from './characters';
import { ExpansionFailure } from './errors';
import { PatternError, replaceEvery, replaceFirst, trimPrefix, trimSuffix } from './pattern';
import { CodePointScanner, EOF } from './scanner';
import { WordSplitter } from './words';

/** Anything that can look a variable up; a Map<string, string> is one. */
export interface ShellEnv {
  get(name: string): string | undefined;
}

export interface ExpansionSettings {
  escapeToken: '\\' | '`';
  rawQuotes: boolean;
  rawEscapes: boolean;
  skipUnsetEnv: boolean;
  /** Quotes are ordinary characters (COPY heredoc contents): kept, and `$` expands inside them. */
  skipProcessQuotes: boolean;
}

export interface ExpansionOutcome {
  /** The word with quotes removed, escapes applied and variables expanded. */
  text: string;
  /** The same, split into words (only when splitting was asked for; otherwise empty). */
  words: string[];
  matched: Set<string>;
  unmatched: Set<string>;
}

const MISSING_BRACE = "syntax error: missing '}'";
/**
 * Deepest `${...}` nesting we expand. buildkit's Go stack grows to follow any depth; ours
 * would overflow somewhere past a thousand, so deeper words are an error instead.
 */
export const MAX_NESTING = 256;
const MISSING_SLASH = "syntax error: missing '/' in ${}";

/**
 * One pass of the expander over one word: a scanner over code points that handles quotes,
 * escapes and `$` expansions as it meets them, the way buildkit's shell lexer does.
 */
export class Expansion {
  private readonly input: CodePointScanner;
  private readonly matched = new Set<string>();
  private readonly unmatched = new Set<string>();
  /** The top level's words, when the caller wants the word split. */
  private readonly words: WordSplitter | undefined;
  private depth = 0;

  constructor(
    word: string,
    private readonly env: ShellEnv,
    private readonly settings: ExpansionSettings,
    splitWords: boolean,
  ) {
    this.input = new CodePointScanner(word);
    this.words = splitWords ? new WordSplitter() : undefined;
  }

  run(): ExpansionOutcome {
    const text = this.scan(undefined, this.settings.rawEscapes, this.words);
    return { text, words: this.words?.finish() ?? [], matched: this.matched, unmatched: this.unmatched };
  }

  /**
   * Reads up to `stop` (consumed, not returned) or to the end of the input when `stop` is
   * undefined. `rawEscapes` keeps escape tokens in the output; patterns need them.
   */
  private scan(stop: string | undefined, rawEscapes: boolean, words: WordSplitter | undefined): string {
    const escapeToken = this.settings.escapeToken;
    let text = '';
    for (let ch = this.input.peek(); ch !== EOF; ch = this.input.peek()) {
      if (ch === stop) {
        this.input.next();
        return text;
      }
      const part = this.construct(ch, rawEscapes);
      if (part !== undefined) {
        text += part;
        // Only an unquoted expansion's value is split on whitespace, never quoted text.
        if (ch === '$') words?.addSplittable(part);
        else words?.addVerbatim(part);
        continue;
      }

      this.input.next();
      if (ch !== escapeToken) {
        text += ch;
        words?.addSplittable(ch);
        continue;
      }
      if (rawEscapes) {
        text += ch;
        words?.addVerbatim(ch);
      }
      const escaped = this.input.next();
      if (escaped === EOF) break; // an escape token at the very end is dropped
      text += escaped;
      words?.addVerbatim(escaped);
    }
    if (stop !== undefined) {
      throw new ExpansionFailure(`unexpected end of statement while looking for matching ${stop}`);
    }
    return text;
  }

  /** Reads the construct that `ch` starts, if it starts one: an expansion, a quote, `<<`. */
  private construct(ch: string, rawEscapes: boolean): string | undefined {
    switch (ch) {
      case '$':
        return this.dollar();
      case "'":
        return this.settings.skipProcessQuotes ? undefined : this.singleQuoted();
      case '"':
        return this.settings.skipProcessQuotes ? undefined : this.doubleQuoted(rawEscapes);
      case '<':
        return this.heredocMarker();
      default:
        return undefined;
    }
  }

  /** `'...'`: everything up to the next `'` is literal; there is no way to escape `'`. */
  private singleQuoted(): string {
    const quote = this.input.next();
    let text = this.settings.rawQuotes ? quote : '';
    for (;;) {
      const ch = this.input.next();
      if (ch === EOF) throw new ExpansionFailure('unexpected end of statement while looking for matching single-quote');
      if (ch === quote) return this.settings.rawQuotes ? text + ch : text;
      text += ch;
    }
  }

  /**
   * `"..."`: literal except for `$` expansions, and the escape token, which escapes only
   * `"`, `$` and itself; before any other character it stays as it is.
   */
  private doubleQuoted(rawEscapes: boolean): string {
    const escapeToken = this.settings.escapeToken;
    const quote = this.input.next();
    let text = this.settings.rawQuotes ? quote : '';
    for (;;) {
      const ch = this.input.peek();
      if (ch === EOF) throw new ExpansionFailure('unexpected end of statement while looking for matching double-quote');
      if (ch === quote) {
        this.input.next();
        return this.settings.rawQuotes ? text + ch : text;
      }
      if (ch === '$') {
        text += this.dollar();
        continue;
      }
      this.input.next();
      if (ch !== escapeToken) {
        text += ch;
        continue;
      }
      // With raw escapes an escape that escapes nothing is written twice (`"\t"` gives
      // `\\t`): buildkit does so, and it changes what `${V#"\*"}` matches, so we do too.
      if (rawEscapes) text += ch;
      const next = this.input.peek();
      if (next === EOF) continue; // the missing closing quote is reported above
      text += next === '"' || next === '$' || next === escapeToken ? this.input.next() : ch;
    }
  }

  /**
   * `<` or a heredoc marker `<<` with the blanks after it. Only word splitting cares: the
   * marker and its blanks stay in one word.
   */
  private heredocMarker(): string {
    this.input.next();
    if (this.input.peek() !== '<') return '<';
    this.input.next();
    let marker = '<<';
    while (isHeredocBlank(this.input.peek())) marker += this.input.next();
    return marker;
  }

  /** `$NAME`, `${NAME}` or `${NAME<modifier>...}`, starting at the `$`. */
  private dollar(): string {
    this.input.next();
    if (this.input.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$'; // a lone `$` is literal
      const value = this.lookup(name);
      if (value === undefined && this.settings.skipUnsetEnv) return `$${name}`;
      return value ?? '';
    }

    this.input.next();
    const first = this.input.peek();
    if (first === EOF) throw new ExpansionFailure(MISSING_BRACE);
    if (first === '{' || first === '}' || first === ':') throw new ExpansionFailure('syntax error: bad substitution');
    const name = this.name();
    const operator = this.input.next();
    switch (operator) {
      case EOF:
        throw new ExpansionFailure(MISSING_BRACE);
      case '}': {
        const value = this.lookup(name);
        if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}}`;
        return value ?? '';
      }
      case ':':
        return this.modifier(name, this.input.next(), true);
      case '-':
      case '+':
      case '?':
      case '#':
      case '%':
        return this.modifier(name, operator, false);
      case '/':
        return this.replacement(name);
      default:
        throw unsupportedModifier(operator);
    }
  }

  /**
   * `${NAME-word}` `${NAME+word}` `${NAME?word}` `${NAME#pattern}` `${NAME%pattern}`, and
   * with `colon` the `:-` `:+` `:?` forms, for which a set but empty variable counts as unset.
   */
  private modifier(name: string, operator: string, colon: boolean): string {
    const written = colon ? `:${operator}` : operator;
    const isTrim = operator === '#' || operator === '%';
    if (colon && isTrim) throw unsupportedModifier(written);
    // The word is read before the operator is checked, as buildkit does: `${V:x` reports
    // the missing `}` and not the bad operator.
    const word = this.nested('}', isTrim, MISSING_BRACE);

    const value = this.lookup(name);
    if (value === undefined && this.settings.skipUnsetEnv) return `\${${name}${written}${word}}`;
    const treatedAsUnset = value === undefined || (colon && value === '');
    switch (operator) {
      case '-':
        return treatedAsUnset ? word : (value ?? '');
      case '+':
        return treatedAsUnset ? '' : word;
      case '?':
        if (value === undefined) throw new ExpansionFailure(`${name}: ${word || 'is not allowed to be unset'}`);
        if (treatedAsUnset) throw new ExpansionFailure(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // `##` / `%%` remove the longest match, `#` / `%` the shortest.
        const longest = word.startsWith(operator);
        const pattern = longest ? word.slice(operator.length) : word;
        const trim = operator === '#' ? trimPrefix : trimSuffix;
        return withPattern(pattern, () => trim(value ?? '', pattern, longest));
      }
      default:
        throw unsupportedModifier(written);
    }
  }

  /** `${NAME/pattern/replacement}` (first match) and `${NAME//pattern/replacement}` (all). */
  private replacement(name: string): string {
    const every = this.input.peek() === '/';
    if (every) this.input.next();
    const pattern = this.nested('/', true, MISSING_SLASH);
    const replacement = this.nested('}', true, MISSING_BRACE);

    const value = this.lookup(name);
    if (value === undefined && this.settings.skipUnsetEnv) {
      // buildkit writes a single `/` back here even for `//`; we keep the form as written.
      return `\${${name}${every ? '//' : '/'}${pattern}/${replacement}}`;
    }
    const replace = every ? replaceEvery : replaceFirst;
    return withPattern(pattern, () => replace(value ?? '', pattern, replacement));
  }

  /** Scans the word inside `${...}` up to `stop`; running out of input means `stop` is missing. */
  private nested(stop: string, rawEscapes: boolean, missingStop: string): string {
    this.words?.dropPartialWord(); // buildkit's shared word buffer: see dropPartialWord
    if (this.depth >= MAX_NESTING) throw new ExpansionFailure(`substitutions nested more than ${MAX_NESTING} deep`);
    this.depth++;
    try {
      return this.scan(stop, rawEscapes, undefined);
    } catch (error) {
      if (error instanceof ExpansionFailure && this.input.peek() === EOF) throw new ExpansionFailure(missingStop);
      throw error;
    } finally {
      this.depth--;
    }
  }

  /**
   * A variable name: a run of digits (positional parameter), one special-parameter
   * character, or letters, digits and `_`. Empty when none of these follows.
   */
  private name(): string {
    const first = this.input.peek();
    if (isDigit(first)) {
      let digits = '';
      while (isDigit(this.input.peek())) digits += this.input.next();
      return digits;
    }
    if (isSpecialParameter(first)) return this.input.next();
    let name = '';
    while (isNameCharacter(this.input.peek())) name += this.input.next();
    return name;
  }

  /** The variable's value, or undefined when it is unset; remembers which was the case. */
  private lookup(name: string): string | undefined {
    const value = this.env.get(name);
    (value === undefined ? this.unmatched : this.matched).add(name);
    return value;
  }
}

function unsupportedModifier(written: string): ExpansionFailure {
  return new ExpansionFailure(`unsupported modifier (${written}) in substitution`);
}

function withPattern(pattern: string, apply: () => string): string {
  try {
    return apply();
  } catch (error) {
    if (error instanceof PatternError) {
      throw new ExpansionFailure(`invalid pattern (${pattern}) in substitution: ${error.message}`);
    }
    throw error;
  }
}
