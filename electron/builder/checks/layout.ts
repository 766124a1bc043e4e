/**
 * The AST as the checks walk it: meta-ARGs and stages, each instruction with its typed command
 * and the comments above it, and the rules BuildKit runs while it parses each instruction
 * (MaintainerDeprecated, StageNameCasing, FromAsCasing). Like BuildKit, the walk stops at the
 * first instruction that does not parse: the rules that need the whole file then do not run.
 */
import type { Node, ParseResult } from '../parser';
import { parseInstruction, type ArgCommand, type Command, type FromCommand } from '../instructions';
import { configForComments, type CheckConfig } from './config';
import type { CheckReporter } from './report';
import { MESSAGES } from './rules';

export interface CheckedInstruction<C> {
  node: Node;
  command: C;
  /** The instruction as written (`cmd`, `Run`): the casing rules and messages use it. */
  keyword: string;
  /** The config with the skips of the `# check=` comment above it, if any. */
  config: CheckConfig;
}

export interface CheckedStage {
  index: number;
  from: CheckedInstruction<FromCommand>;
  commands: CheckedInstruction<Command>[];
}

export interface Layout {
  metaArgs: CheckedInstruction<ArgCommand>[];
  stages: CheckedStage[];
  /** False when an instruction did not parse or sat before the first FROM. */
  complete: boolean;
}

/** BuildKit splits the instruction word off at `[\t\v\f\r ]+`. */
export const writtenKeyword = (node: Node) => node.original.trim().split(/[\t\v\f\r ]+/, 1)[0] ?? node.keyword;

const isLower = (s: string) => s === s.toLowerCase();
const isUpper = (s: string) => s === s.toUpperCase();

export function layOut(ast: ParseResult, comments: ReadonlyMap<Node, string[]>, reporter: CheckReporter): Layout {
  const layout: Layout = { metaArgs: [], stages: [], complete: true };
  for (const node of ast.nodes) {
    const keyword = writtenKeyword(node);
    const config = configForComments(reporter.config, comments.get(node) ?? []);
    if (node.keyword === 'maintainer') reporter.report('MaintainerDeprecated', MESSAGES.MaintainerDeprecated(), node.range, config);
    if (node.keyword === 'from') fromCasing(node, keyword, config, reporter);
    let command;
    try {
      command = parseInstruction(node);
    } catch {
      layout.complete = false;
      return layout;
    }
    const stage = layout.stages.at(-1);
    if (command.kind === 'FROM') {
      layout.stages.push({ index: layout.stages.length, from: { node, command, keyword, config }, commands: [] });
    } else if (stage) {
      stage.commands.push({ node, command, keyword, config });
    } else if (command.kind === 'ARG') {
      layout.metaArgs.push({ node, command, keyword, config });
    } else {
      layout.complete = false;
      return layout;
    }
  }
  if (layout.stages.length === 0) layout.complete = false;
  return layout;
}

/** StageNameCasing and FromAsCasing, from the words as written. */
function fromCasing(node: Node, from: string, config: CheckConfig, reporter: CheckReporter): void {
  if (node.args.length !== 3) return;
  const [, as, name] = node.args as [string, string, string];
  if (!isLower(name)) reporter.report('StageNameCasing', MESSAGES.StageNameCasing(name), node.range, config);
  // A FROM in mixed case is ConsistentInstructionCasing's business, not this rule's.
  const mismatch = isLower(from) ? !isLower(as) : isUpper(from) ? !isUpper(as) : false;
  if (mismatch) reporter.report('FromAsCasing', MESSAGES.FromAsCasing(from, as), node.range, config);
}
