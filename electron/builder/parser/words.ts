// The word splitter of ENV, LABEL and ARG: splits on whitespace outside quotes but keeps
// quotes and escape tokens in the words (they are removed later, at expansion time).

import { isGoSpace } from './chars';
import type { EscapeToken } from './types';

type Phase = 'between-words' | 'in-word' | 'in-quote';

export function splitWordsKeepingQuotes(text: string, escape: EscapeToken): string[] {
  const chars = Array.from(text);
  const words: string[] = [];
  let phase: Phase = 'between-words';
  let word = '';
  // An empty quoted word ('') is still a word.
  let keepEmpty = false;
  let quote = '';

  for (let pos = 0; pos < chars.length; pos++) {
    let ch = chars[pos] ?? '';
    const isLast = pos + 1 === chars.length;
    if (phase === 'between-words') {
      if (isGoSpace(ch)) continue;
      phase = 'in-word';
    }
    if (phase === 'in-word') {
      if (isGoSpace(ch)) {
        phase = 'between-words';
        if (keepEmpty || word !== '') words.push(word);
        word = '';
        keepEmpty = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        keepEmpty = true;
        phase = 'in-quote';
      }
      if (ch === escape) {
        if (isLast) continue; // a trailing escape token is dropped
        // Outside quotes the escape and the escaped character are both kept.
        word += ch;
        ch = chars[++pos] ?? '';
      }
      word += ch;
      continue;
    }
    // in-quote: the quote characters stay in the word
    if (ch === quote) phase = 'in-word';
    // Inside '...' the escape token is an ordinary character.
    if (ch === escape && quote !== "'") {
      if (isLast) {
        phase = 'in-word';
        continue;
      }
      word += ch;
      ch = chars[++pos] ?? '';
    }
    word += ch;
  }
  if (phase !== 'between-words' && (keepEmpty || word !== '')) words.push(word);
  return words;
}
