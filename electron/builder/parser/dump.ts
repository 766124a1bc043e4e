// BuildKit's AST dump (README §3.2), the format of the conformance `result` files.

import { goTrimSpace } from './chars';
import { goQuote } from '../go-quote';
import type { Node } from './types';

/** Keyword, flags and arguments of one level, without ONBUILD's nested instruction. */
function dumpLevel(node: Node): string {
  let out = node.keyword;
  if (node.flags.length > 0) out += ` [${node.flags.map(goQuote).join(' ')}]`;
  for (const arg of node.args) out += ` ${goQuote(arg)}`;
  return out;
}

/**
 * One instruction as an S-expression, e.g. `(copy ["--user=me"] "foo" "/tmp/")`, with
 * ONBUILD's instruction nested as `(onbuild (run "x"))`. Built iteratively, since
 * ONBUILD chains can be thousands deep.
 */
export function dumpNode(node: Node): string {
  const levels: string[] = [];
  for (let level: Node | undefined = node; level; level = level.child) levels.push(dumpLevel(level));
  // BuildKit trims each level's dump; only an empty keyword (top level) makes that matter.
  return `(${goTrimSpace(levels.join(' ('))}${')'.repeat(levels.length - 1)})`;
}
