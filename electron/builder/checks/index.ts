/**
 * Build checks: the warnings BuildKit's Dockerfile frontend reports (its rule names, messages,
 * documentation URLs and lines), decided from the Dockerfile, the build args and, where a rule
 * needs it, what the base images set. Pure: the caller looks the base images up.
 *
 * The `# check=skip=A,B;error=true` directive (or the BUILDKIT_DOCKERFILE_CHECK build arg,
 * which replaces it) chooses the rules and whether a warning fails the build.
 */
import { DockerfileError } from '../errors';
import { parseDockerfile, type ParseResult } from '../parser';
import { ShellExpansionError, ShellLexer } from '../shell';
import { commentsAbove, findCheckDirective, readLines } from './comments';
import { CheckOptionError, DEFAULT_CONFIG, parseCheckOptions, type CheckConfig } from './config';
import { checkDispatch, type BaseImageFacts } from './dispatch-rules';
import { checkInstructionCasing, checkStageNames } from './file-rules';
import { checkBaseNamesWithDefaults, checkFromArgs, defaultArgs, withMetaArgs } from './from-rules';
import { layOut, type Layout } from './layout';
import type { PlatformSpec } from './platform';
import { CheckReporter, type CheckWarning } from './report';
import { MESSAGES } from './rules';

export type { BaseImageFacts } from './dispatch-rules';
export type { CheckWarning } from './report';
export { RULES, RULE_NAMES, type RuleName } from './rules';
export { formatBuildWarnings, formatCheckOutput, formatShort } from './format';

/** The build arg that replaces the `# check=` directive, as in BuildKit. */
export const CHECK_BUILD_ARG = 'BUILDKIT_DOCKERFILE_CHECK';

export interface CheckOptions {
  buildArgs?: Readonly<Record<string, string>>;
  target?: string;
  /** The stages a build dispatches (the target's); undefined checks every stage, as `--check` does. */
  stages?: ReadonlySet<number>;
  /** What a base image sets, when known (a local image); unknown images keep UndefinedVar quiet. */
  baseImage?: (ref: string) => BaseImageFacts | undefined;
  /** The platform the predefined args (TARGETARCH, ...) describe. */
  platform?: PlatformSpec;
}

export interface CheckReport {
  warnings: CheckWarning[];
  /** `error=true` and some rule fired: the build fails with this message. */
  violation?: string;
  /** The check options are invalid: the build fails with this, and no rule ran. */
  invalidOptions?: DockerfileError;
}

const LINUX_AMD64: PlatformSpec = { os: 'linux', architecture: 'amd64' };

/** Runs every check on a Dockerfile. Throws DockerfileError when it does not parse at all. */
export function checkDockerfile(source: string | Uint8Array, options: CheckOptions = {}): CheckReport {
  const ast = parseDockerfile(source);
  const lines = readLines(source);
  const buildArgs = options.buildArgs ?? {};
  let config: CheckConfig;
  try {
    config = checkConfig(lines, buildArgs);
  } catch (err) {
    if (err instanceof DockerfileError) return { warnings: [], invalidOptions: err };
    throw err;
  }
  const reporter = new CheckReporter(config);
  for (const warning of ast.warnings) {
    // BuildKit reports an empty continuation at the instruction's last line.
    reporter.report('NoEmptyContinuation', MESSAGES.NoEmptyContinuation(), { start: warning.range.end, end: warning.range.end });
  }
  const layout = layOut(ast, commentsAbove(lines, ast), reporter);
  if (layout.complete) runStageRules(ast, layout, reporter, options);
  const violation = reporter.violation();
  return { warnings: reporter.warnings, ...(violation ? { violation } : {}) };
}

function checkConfig(lines: readonly string[], buildArgs: Readonly<Record<string, string>>): CheckConfig {
  if (Object.hasOwn(buildArgs, CHECK_BUILD_ARG)) {
    try {
      return parseCheckOptions(buildArgs[CHECK_BUILD_ARG]!);
    } catch (err) {
      if (err instanceof CheckOptionError) throw new DockerfileError(`failed to parse ${CHECK_BUILD_ARG}: ${err.message}`);
      throw err;
    }
  }
  const directive = findCheckDirective(lines);
  if (!directive) return DEFAULT_CONFIG;
  try {
    return parseCheckOptions(directive.value);
  } catch (err) {
    if (err instanceof CheckOptionError) throw new DockerfileError(`failed to parse check options: ${err.message}`, { start: directive.line, end: directive.line });
    throw err;
  }
}

function runStageRules(ast: ParseResult, layout: Layout, reporter: CheckReporter, options: CheckOptions): void {
  const buildArgs = options.buildArgs ?? {};
  const platform = options.platform ?? LINUX_AMD64;
  const lexer = new ShellLexer({ escapeToken: ast.directives.escape });
  checkStageNames(layout.stages, reporter);
  checkInstructionCasing(layout.stages, reporter);
  const defaults = defaultArgs(platform, buildArgs, options.target || (layout.stages.at(-1)?.from.command.stageName ?? ''));
  checkBaseNamesWithDefaults(layout, lexer, defaults, reporter);
  let globals;
  try {
    globals = withMetaArgs(defaults, layout, lexer, buildArgs);
  } catch (err) {
    if (err instanceof ShellExpansionError) return;
    throw err;
  }
  if (!checkFromArgs(layout, lexer, globals, platform, reporter)) return;
  const stages = options.stages;
  checkDispatch({
    layout,
    lexer,
    globals,
    buildArgs,
    dispatched: stages ? (index) => stages.has(index) : () => true,
    baseImage: options.baseImage ?? (() => undefined),
    reporter,
  });
}

/** The image names the dispatched stages start from (expanded; stages and `scratch` left out). */
export function baseImageRefs(source: string | Uint8Array, options: Pick<CheckOptions, 'buildArgs' | 'stages' | 'platform'> = {}): string[] {
  const ast = parseDockerfile(source);
  const layout = layOut(ast, new Map(), new CheckReporter(DEFAULT_CONFIG));
  const lexer = new ShellLexer({ escapeToken: ast.directives.escape });
  const buildArgs = options.buildArgs ?? {};
  const refs = new Set<string>();
  try {
    const globals = withMetaArgs(defaultArgs(options.platform ?? LINUX_AMD64, buildArgs, ''), layout, lexer, buildArgs);
    const names = new Set<string>();
    for (const { index, from } of layout.stages) {
      const name = lexer.processWord(from.command.baseName, globals);
      const isStage = names.has(name.toLowerCase());
      if (from.command.stageName) names.add(from.command.stageName);
      if (isStage || name === 'scratch' || name === '' || (options.stages && !options.stages.has(index))) continue;
      refs.add(name);
    }
  } catch (err) {
    if (!(err instanceof ShellExpansionError)) throw err;
  }
  return [...refs];
}

/**
 * Looks the base images up with `find` (a local lookup: nothing is pulled for a check), then
 * checks. A failed lookup only means that image's Env is unknown.
 */
export async function checkWithBaseImages(
  source: string | Uint8Array,
  options: Omit<CheckOptions, 'baseImage'>,
  find: (ref: string) => Promise<BaseImageFacts | undefined>,
): Promise<CheckReport> {
  const refs = baseImageRefs(source, options);
  const found = await Promise.all(refs.map((ref) => find(ref).catch(() => undefined)));
  const facts = new Map(refs.map((ref, i) => [ref, found[i]]));
  return checkDockerfile(source, { ...options, baseImage: (ref) => facts.get(ref) });
}

/** An image's facts from the Engine API's inspect answer (Config.Env, Config.Shell). */
export function factsFromImageConfig(config: { Env?: string[] | null; Shell?: string[] | null } | null | undefined): BaseImageFacts {
  return { env: config?.Env ?? [], shell: config?.Shell ?? [] };
}
