import { isSpace } from './characters';

/**
 * Collects the words of multi-word mode. Whitespace only separates words when it comes
 * from unquoted text or an unquoted expansion; quoted and escaped text never splits.
 */
export class WordSplitter {
  private readonly words: string[] = [];
  private current = '';

  /** Unquoted text (literal or expanded): whitespace ends the current word. */
  addSplittable(text: string): void {
    for (const ch of text) {
      if (!isSpace(ch)) this.current += ch;
      else this.endWord();
    }
  }

  /** Quoted or escaped text: always part of the current word. */
  addVerbatim(text: string): void {
    this.current += text;
  }

  /**
   * Forgets the word being built. buildkit keeps a single word buffer for every nesting
   * level, so scanning the word inside `${V:-...}`, `${V#...}` or `${V/...}` wipes the
   * partial word around it: `a${X:-b}` splits to ["b"]. Mirrored so we split as Docker does.
   */
  dropPartialWord(): void {
    this.current = '';
  }

  /** The words so far, including the last one. An empty word (from `''`) never counts. */
  finish(): string[] {
    this.endWord();
    return this.words;
  }

  private endWord(): void {
    if (this.current === '') return;
    this.words.push(this.current);
    this.current = '';
  }
}
