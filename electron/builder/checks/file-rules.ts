/**
 * Rules over the whole file once every instruction parsed: stage names (ReservedStageName,
 * DuplicateStageName) and instruction casing against the file's majority
 * (ConsistentInstructionCasing). They take the directive's config only, as in BuildKit.
 */
import type { CheckedStage } from './layout';
import type { CheckReporter } from './report';
import { MESSAGES } from './rules';

const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);

export function checkStageNames(stages: readonly CheckedStage[], reporter: CheckReporter): void {
  const seen = new Set<string>();
  for (const { from } of stages) {
    const name = from.command.stageName;
    if (name === undefined) continue;
    if (RESERVED_STAGE_NAMES.has(name)) reporter.report('ReservedStageName', MESSAGES.ReservedStageName(name), from.node.range);
    if (seen.has(name)) reporter.report('DuplicateStageName', MESSAGES.DuplicateStageName(name), from.node.range);
    seen.add(name);
  }
}

const isLower = (s: string) => s === s.toLowerCase();
const isUpper = (s: string) => s === s.toUpperCase();

/**
 * Every FROM and stage instruction is compared with the majority casing (a tie counts as
 * uppercase); words in mixed case (`Run`) count for neither side but are always reported.
 */
export function checkInstructionCasing(stages: readonly CheckedStage[], reporter: CheckReporter): void {
  const instructions = stages.flatMap((stage) => [stage.from, ...stage.commands]);
  let lower = 0;
  let upper = 0;
  for (const { keyword } of instructions) {
    if (isLower(keyword)) lower++;
    else if (isUpper(keyword)) upper++;
  }
  const majorityLower = lower > upper;
  for (const { keyword, node } of instructions) {
    const casing = majorityLower ? (isLower(keyword) ? undefined : 'lowercase') : isUpper(keyword) ? undefined : 'uppercase';
    if (casing) reporter.report('ConsistentInstructionCasing', MESSAGES.ConsistentInstructionCasing(keyword, casing), node.range);
  }
}
