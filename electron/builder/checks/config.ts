/**
 * Which checks run, and whether they fail the build: the `# check=skip=A,B;error=true` parser
 * directive, the BUILDKIT_DOCKERFILE_CHECK build arg that replaces it, and `# check=skip=...`
 * comments right above one instruction, which skip more rules for that instruction only.
 * Semantics and messages are BuildKit's (linter.ParseLintOptions).
 */
import { matchDirectiveLine } from '../parser/directives';

export interface CheckConfig {
  skipAll: boolean;
  skip: ReadonlySet<string>;
  /** `error=true`: any warning fails the build. */
  error: boolean;
}

export const DEFAULT_CONFIG: CheckConfig = { skipAll: false, skip: new Set(), error: false };

export class CheckOptionError extends Error {}

/** Go's strconv.ParseBool. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Go's strings.SplitN(s, sep, n) for n > 0. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** `skip=A,B;error=true` (or `skip=all`); `experimental=` is accepted and ignored (no experimental rules here). */
export function parseCheckOptions(text: string): CheckConfig {
  const trimmed = text.trim();
  if (trimmed === '') return DEFAULT_CONFIG;
  let skipAll = false;
  let skip: string[] = [];
  let error = false;
  for (const part of splitN(trimmed, ';', 3)) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new CheckOptionError(`invalid check option ${JSON.stringify(part)}`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'skip') {
      if (value === 'all') skipAll = true;
      else skip = value.split(',').map((rule) => rule.trim());
    } else if (key === 'experimental') {
      // Experimental rules are opt-in in BuildKit; Slipway runs none of them.
    } else if (key === 'error') {
      const parsed = parseGoBool(value);
      if (parsed === undefined) {
        throw new CheckOptionError(`failed to parse check option ${JSON.stringify(part)}: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
      }
      error = parsed;
    } else {
      throw new CheckOptionError(`invalid check option ${JSON.stringify(key)}`);
    }
  }
  return { skipAll, skip: new Set(skip), error };
}

/** `base` with more rules skipped; `error` stays `base`'s (a comment cannot change it). */
export function mergeSkips(base: CheckConfig, more: CheckConfig): CheckConfig {
  if (!more.skipAll && more.skip.size === 0) return base;
  return { skipAll: base.skipAll || more.skipAll, skip: new Set([...base.skip, ...more.skip]), error: base.error };
}

/**
 * The config for one instruction: the first `check=` among the comments right above it adds
 * its skips; an invalid one is ignored (as BuildKit ignores it), and so are later ones.
 */
export function configForComments(base: CheckConfig, comments: readonly string[]): CheckConfig {
  for (const comment of comments) {
    const directive = matchDirectiveLine(`#${comment}`);
    if (!directive || directive.name !== 'check') continue;
    try {
      return mergeSkips(base, parseCheckOptions(firstWord(directive.value)));
    } catch (err) {
      if (err instanceof CheckOptionError) return base;
      throw err;
    }
  }
  return base;
}

/** BuildKit reads a directive's value up to the first space. */
export const firstWord = (value: string) => value.split(' ', 1)[0]!;

export function isSkipped(config: CheckConfig, rule: string): boolean {
  return config.skipAll || config.skip.has(rule);
}
