/**
 * What the checks need from the Dockerfile's text beyond the AST: the `# check=` directive
 * (with its line), and the comments right above each instruction, collected the way BuildKit's
 * parser collects them (a bare `#` line starts over; blank lines do not; directives are not
 * comments; comments inside a continuation belong to no instruction).
 */
import { DirectiveScanner, matchDirectiveLine } from '../parser/directives';
import { goTrimLeft } from '../parser/chars';
import { PhysicalLineReader } from '../parser/lines';
import type { Node, ParseResult } from '../parser';
import { firstWord } from './config';

export interface CheckDirective {
  /** The value up to its first space, as BuildKit reads it. */
  value: string;
  line: number;
}

/** Physical lines without their line endings; index 0 is line 1. */
export function readLines(source: string | Uint8Array): string[] {
  const reader = new PhysicalLineReader(source);
  const lines: string[] = [];
  for (let line = reader.next(); line; line = reader.next()) lines.push(line.text);
  return lines;
}

/**
 * The `check` directive as BuildKit's ParseDirective finds it: a `#!` first line is skipped,
 * then directive lines are read from the top (no leading blanks allowed) until one is not.
 */
export function findCheckDirective(lines: readonly string[]): CheckDirective | undefined {
  let index = lines[0]?.startsWith('#!') ? 1 : 0;
  const seen = new Set<string>();
  for (; index < lines.length; index++) {
    const directive = matchDirectiveLine(lines[index]!);
    if (!directive || !['syntax', 'escape', 'check'].includes(directive.name) || seen.has(directive.name)) return undefined;
    seen.add(directive.name);
    if (directive.name === 'check') return { value: firstWord(directive.value), line: index + 1 };
  }
  return undefined;
}

/** The comments right above each top-level instruction (text after `#`, trimmed). */
export function commentsAbove(lines: readonly string[], ast: ParseResult): Map<Node, string[]> {
  const starts = new Map(ast.nodes.map((node) => [node.range.start, node]));
  const directives = new DirectiveScanner();
  const out = new Map<Node, string[]>();
  let comments: string[] = [];
  for (let number = 1; number <= lines.length; number++) {
    const text = lines[number - 1]!;
    const node = starts.get(number);
    if (node) {
      directives.scan(goTrimLeft(text), number);
      out.set(node, comments);
      comments = [];
      number = node.range.end;
      continue;
    }
    if (goTrimLeft(text).startsWith('#')) {
      // BuildKit drops the first byte of the line as written, then trims.
      const comment = text.slice(1).trim();
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    if (directives.scan(goTrimLeft(text), number)) comments.pop();
  }
  return out;
}
