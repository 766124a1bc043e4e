// parseDockerfile: the main loop that turns physical lines into instructions.

import { DockerfileError } from '../errors';
import type { LineRange } from '../errors';
import { goTrimLeft } from './chars';
import { DirectiveScanner } from './directives';
import { acceptsHeredocs, heredocMarkersInLine, readHeredocBody } from './heredoc';
import { parseInstruction } from './instruction';
import { PhysicalLineReader, isBlankLine, isCommentLine, removeContinuation } from './lines';
import type { PhysicalLine } from './lines';
import type { EscapeToken, Node, ParseResult, ParseWarning } from './types';

interface JoinedInstruction {
  line: string;
  range: LineRange;
  hadBlankContinuationLine: boolean;
}

/**
 * Joins the continuation lines that follow `first`. Comment lines inside a continuation
 * are skipped, blank ones are skipped (and reported); indentation of the others is kept.
 */
function joinContinuation(
  first: { number: number; text: string },
  lines: PhysicalLineReader,
  escape: EscapeToken,
): JoinedInstruction | undefined {
  let { text: joined, continues } = removeContinuation(first.text, escape);
  if (!continues && joined === '') return undefined;
  let end = first.number;
  let hadBlankContinuationLine = false;
  let next: PhysicalLine | undefined;
  while (continues && (next = lines.next())) {
    end = next.number;
    if (isCommentLine(next.text)) continue;
    if (isBlankLine(next.text)) {
      hadBlankContinuationLine = true;
      continue;
    }
    const piece = removeContinuation(next.text, escape);
    joined += piece.text;
    continues = piece.continues;
  }
  return { line: joined, range: { start: first.number, end }, hadBlankContinuationLine };
}

/** Reads the bodies of the heredocs named on the instruction's line(s); extends its range. */
function attachHeredocs(node: Node, line: string, lines: PhysicalLineReader): void {
  let markers;
  try {
    markers = heredocMarkersInLine(line);
  } catch (error) {
    if (error instanceof DockerfileError) throw new DockerfileError(error.message, node.range);
    throw error;
  }
  for (const marker of markers) {
    const body = readHeredocBody(marker, () => lines.next());
    if (body.lastLine !== undefined) node.range.end = body.lastLine;
    if (body.content === undefined) {
      throw new DockerfileError(`unterminated heredoc: no "${marker.name}" line ends it`, { ...node.range });
    }
    node.heredocs.push({ ...marker, content: body.content });
  }
}

/**
 * Parses a Dockerfile the way BuildKit's `parser.Parse` does. Accepts text or raw bytes
 * (UTF-8). Throws DockerfileError, with the offending line range, on any parse failure.
 */
export function parseDockerfile(source: string | Uint8Array): ParseResult {
  const lines = new PhysicalLineReader(source);
  const directiveScanner = new DirectiveScanner();
  const nodes: Node[] = [];
  const warnings: ParseWarning[] = [];

  for (let physical = lines.next(); physical; physical = lines.next()) {
    const text = goTrimLeft(physical.text);
    directiveScanner.scan(text, physical.number);
    const escape = directiveScanner.directives.escape;
    // Comments, directives included, read as empty lines.
    const content = isCommentLine(text) ? '' : text;
    const joined = joinContinuation({ number: physical.number, text: content }, lines, escape);
    if (!joined) continue;

    if (joined.hadBlankContinuationLine) {
      warnings.push({ message: `Empty continuation line found in: ${joined.line}`, range: { ...joined.range } });
    }
    const node = parseInstruction(joined.line, escape, joined.range);
    if (acceptsHeredocs(node)) attachHeredocs(node, joined.line, lines);
    // ONBUILD's nested instructions share the range, heredoc lines included.
    for (let child = node.child; child; child = child.child) child.range = { ...node.range };
    nodes.push(node);
  }

  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (!first || !last) {
    throw new DockerfileError('file with no instructions', { start: 1, end: Math.max(1, lines.lineCount) });
  }
  return {
    nodes,
    directives: { ...directiveScanner.directives },
    warnings,
    range: { start: first.range.start, end: last.range.end },
  };
}
