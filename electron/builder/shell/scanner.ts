/** What `peek`/`next` return once the input is used up. */
export const EOF = '';

/** Reads a string one Unicode code point at a time (never half a surrogate pair). */
export class CodePointScanner {
  private readonly chars: string[];
  private position: number;

  constructor(text: string) {
    this.chars = Array.from(text);
    // buildkit reads words with Go's text/scanner, which ignores a leading byte-order mark.
    this.position = this.chars[0] === '\uFEFF' ? 1 : 0;
  }

  peek(): string {
    return this.chars[this.position] ?? EOF;
  }

  next(): string {
    const ch = this.peek();
    if (ch !== EOF) this.position++;
    return ch;
  }
}
