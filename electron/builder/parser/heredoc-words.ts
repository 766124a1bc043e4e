// Reproduces the *behaviour* of BuildKit's shell lexer (ProcessWords with no
// variables set and unset variables kept as written), which BuildKit uses only to find
// heredoc markers in an instruction line. It is not the word expander: it exists so the
// parser finds exactly the heredocs BuildKit finds, quirks included.

import { isGoDigit, isGoLetter, isGoSpace } from './chars';

/** The lexer always uses backslash here, whatever `# escape=` says (as BuildKit does). */
const ESCAPE = '\\';

export class HeredocLexError extends Error {}

const unterminated = (what: string) =>
  new HeredocLexError(`unexpected end of statement while looking for matching ${what}`);

export interface HeredocLexMode {
  /** Keep quote characters in the output. */
  rawQuotes: boolean;
  /** Keep escape characters in the output. */
  rawEscapes: boolean;
}

/**
 * Deepest `${...}` nesting we follow. Go's growable stacks follow any depth; ours would
 * overflow, so deeper lines count as unreadable (for a whole line: no heredocs).
 */
const MAX_NESTING = 256;

/** The word being built. Nested `${...}` scans share (and reset) it, as BuildKit's lexer does. */
interface SharedBuffer {
  text: string;
}

class WordCollector {
  readonly words: string[] = [];
  private inWord = false;

  constructor(private readonly buffer: SharedBuffer) {}

  addChar(ch: string): void {
    if (isGoSpace(ch)) {
      if (this.inWord && this.buffer.text !== '') {
        this.words.push(this.buffer.text);
        this.buffer.text = '';
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }

  /** Text from `$` expansion splits on whitespace like unquoted text. */
  addExpanded(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Quoted text and escaped characters never split. */
  addRaw(text: string): void {
    this.buffer.text += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.buffer.text !== '') {
      this.words.push(this.buffer.text);
      this.buffer.text = '';
      this.inWord = false;
    }
    return this.words;
  }
}

function isSpecialParameter(ch: string): boolean {
  return '@*#?-$!0'.includes(ch) && ch.length === 1;
}

/** `\t`, `\r` and space may separate `<<` from the terminator word. */
function isHeredocGap(ch: string | undefined): boolean {
  return ch === '\t' || ch === '\r' || ch === ' ';
}

class HeredocWordLexer {
  private readonly chars: string[];
  private pos = 0;
  private rawEscapes: boolean;
  private depth = 0;
  private readonly shared: SharedBuffer = { text: '' };

  constructor(
    text: string,
    private readonly rawQuotes: boolean,
    rawEscapes: boolean,
  ) {
    this.chars = Array.from(text);
    this.rawEscapes = rawEscapes;
  }

  words(): string[] {
    return this.scanUntil(undefined, this.rawEscapes).words;
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string | undefined {
    const ch = this.chars[this.pos];
    if (ch !== undefined) this.pos++;
    return ch;
  }

  /** Reads up to `stop` (or the end when undefined); returns the text and its words. */
  private scanUntil(stop: string | undefined, rawEscapes: boolean): { text: string; words: string[] } {
    if (this.depth >= MAX_NESTING) throw new HeredocLexError('substitutions nested too deeply');
    let text = '';
    this.shared.text = '';
    const words = new WordCollector(this.shared);
    const outerRawEscapes = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    this.depth++;
    try {
      for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
        if (stop !== undefined && ch === stop) {
          this.next();
          return { text, words: words.finish() };
        }
        if (ch === '$') {
          const expanded = this.dollar();
          text += expanded;
          words.addExpanded(expanded);
        } else if (ch === '<' || ch === "'" || ch === '"') {
          const part =
            ch === '<' ? this.possibleHeredoc() : ch === "'" ? this.singleQuoted() : this.doubleQuoted();
          text += part;
          words.addRaw(part);
        } else {
          this.next();
          if (ch === ESCAPE) {
            if (this.rawEscapes) {
              words.addRaw(ch);
              text += ch;
            }
            const escaped = this.next();
            if (escaped === undefined) break;
            words.addRaw(escaped);
            text += escaped;
          } else {
            words.addChar(ch);
            text += ch;
          }
        }
      }
      if (stop !== undefined) throw unterminated(stop);
      return { text, words: words.finish() };
    } finally {
      this.rawEscapes = outerRawEscapes;
      this.depth--;
    }
  }

  private singleQuoted(): string {
    let text = this.rawQuotes ? "'" : '';
    this.next();
    for (;;) {
      const ch = this.next();
      if (ch === undefined) throw unterminated('single-quote');
      if (ch === "'") return this.rawQuotes ? `${text}'` : text;
      text += ch;
    }
  }

  private doubleQuoted(): string {
    let text = this.rawQuotes ? '"' : '';
    this.next();
    for (;;) {
      const peeked = this.peek();
      if (peeked === undefined) throw unterminated('double-quote');
      if (peeked === '"') {
        this.next();
        return this.rawQuotes ? `${text}"` : text;
      }
      if (peeked === '$') {
        text += this.dollar();
        continue;
      }
      let ch = this.next() ?? '';
      if (ch === ESCAPE) {
        if (this.rawEscapes) text += ch;
        const after = this.peek();
        if (after === undefined) continue; // reported as unterminated on the next turn
        // Only " $ and the escape token can be escaped inside double quotes.
        if (after === '"' || after === '$' || after === ESCAPE) ch = this.next() ?? '';
      }
      text += ch;
    }
  }

  /** `$name` and `${...}`: with no variables set, they are kept as written (after inner quote removal). */
  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      return `$${name}`;
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw new HeredocLexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new HeredocLexError('syntax error: bad substitution');
    const name = this.name();
    let operator = this.next();
    // Go renders the end-of-input rune as U+FFFD.
    let operatorText = operator ?? '\uFFFD';
    switch (operator) {
      case '}':
        return `\${${name}}`;
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        const colon = operator === ':';
        if (colon) {
          operator = this.next();
          operatorText += operator ?? '\uFFFD';
        }
        const patternOperator = operator === '#' || operator === '%';
        if (colon && patternOperator) {
          throw new HeredocLexError(`unsupported modifier (${operatorText}) in substitution`);
        }
        const word = this.scanUntil('}', patternOperator).text;
        return `\${${name}${operatorText}${word}}`;
      }
      case '/': {
        if (this.peek() === '/') this.next();
        const pattern = this.scanUntil('/', true).text;
        const replacement = this.scanUntil('}', true).text;
        return `\${${name}/${pattern}/${replacement}}`;
      }
      default:
        throw new HeredocLexError(`unsupported modifier (${operatorText}) in substitution`);
    }
  }

  /** A variable name: letters, digits and `_`; a run of digits; or one special parameter. */
  private name(): string {
    let name = '';
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (name === '' && isGoDigit(ch)) {
        for (let d = this.peek(); d !== undefined && isGoDigit(d); d = this.peek()) name += this.next();
        return name;
      }
      if (name === '' && isSpecialParameter(ch)) {
        this.next();
        return ch;
      }
      if (!isGoLetter(ch) && !isGoDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  /** `<<` plus any blanks after it stays glued to the next word; a single `<` is plain. */
  private possibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let gap = '';
    while (isHeredocGap(this.peek())) gap += this.next();
    return `<<${gap}`;
  }
}

/** Splits `text` into words the way BuildKit's lexer does for heredoc detection. Throws HeredocLexError. */
export function heredocLexWords(text: string, mode: HeredocLexMode): string[] {
  return new HeredocWordLexer(text, mode.rawQuotes, mode.rawEscapes).words();
}
