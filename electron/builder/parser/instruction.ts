// One assembled instruction line -> Node (without heredoc bodies, which need the lines after it).

import { DockerfileError } from '../errors';
import type { LineRange } from '../errors';
import { parseArguments } from './arguments';
import { goToLower, wellFormed } from './chars';
import { splitInstructionLine } from './split';
import type { EscapeToken, Node } from './types';

/** One level: the node, plus ONBUILD's nested instruction text still to parse. */
function parseLevel(line: string, original: string, escape: EscapeToken, range: LineRange): { node: Node; nested?: string } {
  const { keyword: written, flags, rest } = splitInstructionLine(line, escape);
  const keyword = goToLower(written);
  const node: Node = { keyword, flags, args: [], json: false, original, heredocs: [], range: { ...range } };
  if (keyword === 'onbuild') {
    // ONBUILD's argument is a complete instruction of its own.
    return rest === '' ? { node } : { node, nested: rest };
  }
  const { args, json } = parseArguments(keyword, rest, escape);
  node.args = args;
  node.json = json;
  return { node };
}

/** Parses ONBUILD chains iteratively: `ONBUILD ONBUILD ...` may nest thousands deep. */
function parseLine(line: string, escape: EscapeToken, range: LineRange): Node {
  // BuildKit reads bytes, where a lone surrogate cannot be: fix them once, not at every level.
  const top = parseLevel(wellFormed(line), line, escape, range);
  let parent = top.node;
  let nested = top.nested;
  while (nested !== undefined) {
    const level = parseLevel(nested, nested, escape, range);
    parent.child = level.node;
    parent = level.node;
    nested = level.nested;
  }
  return top.node;
}

/** Parses one instruction; errors carry `range`, the instruction's physical lines. */
export function parseInstruction(line: string, escape: EscapeToken, range: LineRange): Node {
  try {
    return parseLine(line, escape, range);
  } catch (error) {
    if (error instanceof DockerfileError && !error.range) throw new DockerfileError(error.message, range);
    throw error;
  }
}
