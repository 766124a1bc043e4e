/**
 * The warnings of one check run: each rule's finding at its lines, skipped when the directive
 * (or a `# check=` comment above the instruction) says so, reported once.
 */
import type { LineRange } from '../errors';
import { isSkipped, type CheckConfig } from './config';
import { RULES, type RuleName } from './rules';

export interface CheckWarning {
  rule: RuleName;
  message: string;
  /** What the rule is about, in general. */
  description: string;
  /** Docker's documentation page of the rule. */
  url: string;
  /** The instruction's lines (for MultipleInstructionsDisallowed, the instruction that is ignored). */
  range: LineRange;
  /** `error` when the check directive says `error=true`: the build fails on it. */
  level: 'warning' | 'error';
}

export class CheckReporter {
  readonly warnings: CheckWarning[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly config: CheckConfig) {}

  report(rule: RuleName, message: string, range: LineRange, config: CheckConfig = this.config): void {
    if (isSkipped(config, rule)) return;
    const key = `${rule}\0${message}\0${range.start}\0${range.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { description, url } = RULES[rule];
    this.warnings.push({ rule, message, description, url, range: { ...range }, level: this.config.error ? 'error' : 'warning' });
  }

  /** BuildKit's `error=true` failure, when any rule fired. */
  violation(): string | undefined {
    if (!this.config.error || this.warnings.length === 0) return undefined;
    const rules = [...new Set(this.warnings.map((w) => w.rule))];
    return `lint violation found for rules: ${rules.join(', ')}`;
  }
}
