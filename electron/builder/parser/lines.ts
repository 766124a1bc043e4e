// Physical lines of a Dockerfile, and the line-level rules BuildKit applies to them:
// BOM, line endings, the length limit, comments and the continuation marker.

import { DockerfileError } from '../errors';
import { goTrimLeft } from './chars';
import type { EscapeToken } from './types';

/** bufio.Scanner's 64 KiB buffer must hold a line and its `\n`. */
export const MAX_LINE_BYTES = 65535;

export interface PhysicalLine {
  /** 1-based line number. */
  number: number;
  /** The line without its trailing `\r`/`\n` characters (BOM removed on line 1). */
  text: string;
  /** The line with its line ending, as heredoc bodies keep it. */
  raw: string;
}

interface LineSlice {
  raw: string;
  byteLength: number;
}

const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 size of a string, counting a lone surrogate as the 3-byte U+FFFD it would become. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Split after every `\n`, like BuildKit's scanner; no empty line after a final `\n`. */
function sliceBytes(source: Uint8Array): LineSlice[] {
  const slices: LineSlice[] = [];
  let start = 0;
  while (start < source.length) {
    const newline = source.indexOf(0x0a, start);
    const end = newline < 0 ? source.length : newline + 1;
    slices.push({
      raw: UTF8.decode(source.subarray(start, end)),
      byteLength: newline < 0 ? end - start : newline - start,
    });
    start = end;
  }
  return slices;
}

function sliceText(source: string): LineSlice[] {
  const slices: LineSlice[] = [];
  let start = 0;
  while (start < source.length) {
    const newline = source.indexOf('\n', start);
    const end = newline < 0 ? source.length : newline + 1;
    const withoutNewline = source.slice(start, newline < 0 ? end : newline);
    slices.push({ raw: source.slice(start, end), byteLength: utf8Length(withoutNewline) });
    start = end;
  }
  return slices;
}

/** Go `bytes.TrimRight(line, "\r\n")`. */
export function trimLineEnding(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === '\n' || line[end - 1] === '\r')) end--;
  return line.slice(0, end);
}

/**
 * Hands out physical lines one at a time. The length limit is checked as each line is
 * read, so (as in BuildKit) an error on an earlier line is reported first.
 */
export class PhysicalLineReader {
  private readonly slices: LineSlice[];
  private index = 0;

  constructor(source: string | Uint8Array) {
    this.slices = typeof source === 'string' ? sliceText(source) : sliceBytes(source);
    const first = this.slices[0];
    if (first && first.raw.startsWith('\uFEFF')) first.raw = first.raw.slice(1);
  }

  /** Number of physical lines in the file. */
  get lineCount(): number {
    return this.slices.length;
  }

  next(): PhysicalLine | undefined {
    const slice = this.slices[this.index];
    if (!slice) return undefined;
    const number = ++this.index;
    if (slice.byteLength > MAX_LINE_BYTES) {
      throw new DockerfileError(
        `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`,
        { start: number, end: number },
      );
    }
    return { number, text: trimLineEnding(slice.raw), raw: slice.raw };
  }
}

/** A comment is a line whose first non-blank character is `#`. */
export function isCommentLine(text: string): boolean {
  return goTrimLeft(text).startsWith('#');
}

/** A line of whitespace only (an "empty continuation line" inside a continuation). */
export function isBlankLine(text: string): boolean {
  return goTrimLeft(text) === '';
}

export interface ContinuationCheck {
  /** The line with the continuation marker (and blanks after it) removed. */
  text: string;
  continues: boolean;
}

/**
 * BuildKit's continuation rule, `([^E])E[ \t]*$|^E[ \t]*$`: the escape token is the last
 * non-blank character and is not itself escaped (`\\` at the end does not continue).
 * Only the marker and the blanks after it are removed; the character before stays.
 */
export function removeContinuation(text: string, escape: EscapeToken): ContinuationCheck {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const marker = end - 1;
  if (marker < 0 || text[marker] !== escape) return { text, continues: false };
  if (marker > 0 && text[marker - 1] === escape) return { text, continues: false };
  return { text: text.slice(0, marker), continues: true };
}
