// Heredocs (`RUN <<EOF`, `COPY <<a <<b /dest/`, `<<-EOF`, `<<'EOF'`, `3<<EOF`) as BuildKit
// finds and reads them.

import { DockerfileError } from '../errors';
import { HeredocLexError, heredocLexWords } from './heredoc-words';
import type { PhysicalLine } from './lines';
import type { Heredoc, Node } from './types';

/** Instructions whose lines may carry heredocs. ONBUILD qualifies through its child. */
const HEREDOC_KEYWORDS = new Set(['run', 'copy', 'add']);

/** Digits, `<<`, an optional `-`: the head of BuildKit's `^(\d*)<<(-?)\s*([^<]*)$`. */
const MARKER_HEAD = /^([0-9]*)<<(-?)/;

/** A heredoc marker without its body: what `<<EOF`-like words in the arguments mean. */
export type HeredocMarker = Omit<Heredoc, 'content'>;

function countQuotes(s: string): number {
  let count = 0;
  for (const ch of s) if (ch === "'" || ch === '"') count++;
  return count;
}

function lex(text: string, rawQuotes: boolean): string[] {
  try {
    return heredocLexWords(text, { rawQuotes, rawEscapes: false });
  } catch (error) {
    if (error instanceof HeredocLexError) throw new DockerfileError(`failed to process "${text}": ${error.message}`);
    throw error;
  }
}

/** Go's ParseUint result for the fd digits, saturating instead of overflowing. */
function fileDescriptor(digits: string): number {
  if (digits === '') return 0;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}

/**
 * Matches `^(\d*)<<(-?)\s*([^<]*)$` (Go's `\d`, `\s` are ASCII-only) without the regexp,
 * whose blank-run backtracking is quadratic on long lines.
 */
function matchMarker(word: string): { digits: string; chomp: boolean; terminator: string } | undefined {
  const head = MARKER_HEAD.exec(word);
  if (!head) return undefined;
  let start = head[0].length;
  while (start < word.length && '\t\n\f\r '.includes(word[start] ?? '<')) start++;
  const terminator = word.slice(start);
  if (terminator.includes('<')) return undefined;
  return { digits: head[1] ?? '', chomp: head[2] === '-', terminator };
}

function markerFromWord(word: string): HeredocMarker | undefined {
  const match = matchMarker(word);
  if (!match) return undefined;
  const { terminator } = match;
  if (terminator === '') return undefined;
  // Lex the terminator with and without quote removal: if quotes disappear, part of it
  // was quoted, and the body must not be expanded.
  const words = lex(terminator, false);
  const name = words[0];
  if (name === undefined || words.length !== 1) return undefined;
  const rawWords = lex(terminator, true);
  const rawName = rawWords[0];
  if (rawName === undefined || rawWords.length !== 1) {
    throw new DockerfileError(`internal lexing of heredoc produced inconsistent results: ${terminator}`);
  }
  return {
    name,
    expand: countQuotes(name) === countQuotes(rawName),
    chomp: match.chomp,
    fileDescriptor: fileDescriptor(match.digits),
  };
}

/**
 * The heredoc marker a single argument word stands for (`<<EOF`, `<<-'EOF'`, `3<<EOF`),
 * or undefined. Never throws: for matching COPY/RUN arguments to their heredocs.
 */
export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  try {
    return markerFromWord(word);
  } catch (error) {
    if (error instanceof DockerfileError) return undefined;
    throw error;
  }
}

/** Whether BuildKit reads heredoc bodies after this instruction (shell-form RUN/COPY/ADD, also under ONBUILD). */
export function acceptsHeredocs(node: Node): boolean {
  const target = node.keyword === 'onbuild' && node.child ? node.child : node;
  return HEREDOC_KEYWORDS.has(target.keyword) && !target.json;
}

/** Every heredoc marker in an instruction line, in order. Throws DockerfileError (without range). */
export function heredocMarkersInLine(line: string): HeredocMarker[] {
  if (!line.includes('<<')) return [];
  let words: string[];
  try {
    words = heredocLexWords(line, { rawQuotes: true, rawEscapes: true });
  } catch (error) {
    // BuildKit ignores a line its lexer cannot read: it has no heredocs.
    if (error instanceof HeredocLexError) return [];
    throw error;
  }
  const markers: HeredocMarker[] = [];
  for (const word of words) {
    const marker = markerFromWord(word);
    if (marker) markers.push(marker);
  }
  return markers;
}

/** Removes leading tabs from every line, as `<<-` asks (lines end at `\n` only, as in Go). */
export function chompHeredocContent(content: string): string {
  return content
    .split('\n')
    .map((line) => line.replace(/^\t+/, ''))
    .join('\n');
}

/**
 * Reads one heredoc body from the lines after the instruction, up to its terminator line
 * (which is consumed). Body lines are never comments or continuations. Returns the last
 * line number read; `undefined` content means the file ended first.
 */
export function readHeredocBody(
  marker: HeredocMarker,
  nextLine: () => PhysicalLine | undefined,
): { content: string; lastLine: number } | { content: undefined; lastLine: number | undefined } {
  let content = '';
  let lastLine: number | undefined;
  for (let line = nextLine(); line; line = nextLine()) {
    lastLine = line.number;
    const candidate = marker.chomp ? line.text.replace(/^\t+/, '') : line.text;
    if (candidate === marker.name) {
      return { content: marker.chomp ? chompHeredocContent(content) : content, lastLine };
    }
    content += line.raw;
  }
  return { content: undefined, lastLine };
}
