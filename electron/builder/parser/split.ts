// Splits an assembled instruction line into keyword, `--flags` and the argument text.

import { BLANK_RUN, goTrimSpace, isGoSpaceByte, utf8Bytes, utf8Text } from './chars';
import type { EscapeToken } from './types';

export interface SplitLine {
  /** The keyword as written (not lowercased). */
  keyword: string;
  flags: string[];
  /** Everything after the flags, trimmed. */
  rest: string;
}

/** Keyword, flags and argument text of one instruction line (well-formed: see wellFormed). */
export function splitInstructionLine(line: string, escape: EscapeToken): SplitLine {
  // Trim first so leading/trailing blanks never change the result.
  const trimmed = goTrimSpace(line);
  const gap = BLANK_RUN.exec(trimmed);
  if (!gap) return { keyword: trimmed, flags: [], rest: '' };
  const keyword = trimmed.slice(0, gap.index);
  const { flags, rest } = extractFlags(trimmed.slice(gap.index + gap[0].length), escape);
  return { keyword, flags, rest: goTrimSpace(rest) };
}

type Phase = 'between-words' | 'in-word' | 'in-quote';

const DASH = 0x2d;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;

/**
 * Reads leading words that start with `--` as flags. Quotes are removed and the escape
 * token makes the next character literal; a bare `--` ends the flags and is dropped.
 *
 * BuildKit scans this part byte by byte, taking each byte as a Latin-1 character: a
 * non-ASCII flag value comes out re-encoded (`é` -> `Ã©`) and bytes 0x85/0xA0 inside a
 * character count as blanks. We reproduce that so flags match Docker's exactly.
 */
export function extractFlags(text: string, escape: EscapeToken): { flags: string[]; rest: string } {
  // No flags: the text after the blanks, without a byte copy of all of it (ONBUILD ONBUILD ...
  // comes through here once per level). Exact for well-formed text, which callers pass.
  let first = 0;
  while (first < text.length && isGoSpaceByte(text.charCodeAt(first))) first++;
  if (!text.startsWith('--', first)) return { flags: [], rest: text.slice(first) };
  const bytes = utf8Bytes(text);
  const escapeByte = escape.charCodeAt(0);
  const flags: string[] = [];
  let phase: Phase = 'between-words';
  let word = '';
  // A quoted empty word (`--""`) still counts as a word.
  let keepEmpty = false;
  let quote = 0;
  const restFrom = (pos: number) => utf8Text(bytes.subarray(pos));

  for (let pos = 0; pos < bytes.length; pos++) {
    let b = bytes[pos] ?? 0;
    if (phase === 'between-words') {
      if (isGoSpaceByte(b)) continue;
      if (b !== DASH || bytes[pos + 1] !== DASH) return { flags, rest: restFrom(pos) };
      phase = 'in-word';
    }
    if (phase === 'in-word') {
      if (isGoSpaceByte(b)) {
        phase = 'between-words';
        if (word === '--') return { flags, rest: restFrom(pos) };
        if (keepEmpty || word !== '') flags.push(word);
        word = '';
        keepEmpty = false;
        continue;
      }
      if (b === SINGLE_QUOTE || b === DOUBLE_QUOTE) {
        quote = b;
        keepEmpty = true;
        phase = 'in-quote';
        continue;
      }
      if (b === escapeByte) {
        if (pos + 1 === bytes.length) continue; // a trailing escape is dropped
        b = bytes[++pos] ?? 0;
      }
      word += String.fromCharCode(b);
      continue;
    }
    // in-quote
    if (b === quote) {
      phase = 'in-word';
      continue;
    }
    if (b === escapeByte) {
      if (pos + 1 === bytes.length) {
        phase = 'in-word';
        continue;
      }
      b = bytes[++pos] ?? 0;
    }
    word += String.fromCharCode(b);
  }
  // The line ended inside a flag word.
  if (phase !== 'between-words' && word !== '--' && (keepEmpty || word !== '')) flags.push(word);
  return { flags, rest: '' };
}
