/**
 * The FROM lines against the global build args: InvalidDefaultArgInFrom (the base name with
 * the meta-ARGs' defaults is no image name), UndefinedArgInFrom, RedundantTargetPlatform and
 * FromPlatformFlagConstDisallowed. Every stage is checked, whatever the target.
 */
import { ShellExpansionError, type ShellLexer } from '../shell';
import type { Layout } from './layout';
import { parsePlatform, type PlatformSpec } from './platform';
import { isValidImageReference } from './reference';
import type { CheckReporter } from './report';
import { MESSAGES } from './rules';
import { suggestName } from './suggest';

/** BuildKit's predefined platform args, always set for FROM lines. */
export function defaultArgs(platform: PlatformSpec, buildArgs: Readonly<Record<string, string>>, target: string): Map<string, string> {
  const spec = `${platform.os}/${platform.architecture}`;
  const entries: [string, string][] = [
    ['BUILDPLATFORM', spec],
    ['BUILDOS', platform.os],
    ['BUILDOSVERSION', ''],
    ['BUILDARCH', platform.architecture],
    ['BUILDVARIANT', ''],
    ['TARGETPLATFORM', spec],
    ['TARGETOS', platform.os],
    ['TARGETOSVERSION', ''],
    ['TARGETARCH', platform.architecture],
    ['TARGETVARIANT', ''],
    ['TARGETSTAGE', target || 'default'],
  ];
  return new Map(entries.map(([key, value]) => [key, Object.hasOwn(buildArgs, key) ? buildArgs[key]! : value]));
}

/** `args` plus the meta-ARGs: a `--build-arg` value, else the default expanded with what came before. */
export function withMetaArgs(args: ReadonlyMap<string, string>, layout: Layout, lexer: ShellLexer, buildArgs: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map(args);
  for (const { command } of layout.metaArgs) {
    for (const { key, value } of command.args) {
      if (Object.hasOwn(buildArgs, key)) out.set(key, buildArgs[key]!);
      else if (value !== undefined) out.set(key, lexer.processWord(value, out));
    }
  }
  return out;
}

/** InvalidDefaultArgInFrom: base names expanded with the defaults only (no `--build-arg`). */
export function checkBaseNamesWithDefaults(layout: Layout, lexer: ShellLexer, defaults: ReadonlyMap<string, string>, reporter: CheckReporter): void {
  try {
    const args = withMetaArgs(defaults, layout, lexer, {});
    for (const { from } of layout.stages) {
      const name = lexer.processWord(from.command.baseName, args);
      if (!isValidImageReference(name)) reporter.report('InvalidDefaultArgInFrom', MESSAGES.InvalidDefaultArgInFrom(from.command.baseName), from.node.range);
    }
  } catch (err) {
    // The build fails on this expansion with its own error; the check gives up quietly.
    if (!(err instanceof ShellExpansionError)) throw err;
  }
}

/**
 * UndefinedArgInFrom and the platform rules, stage by stage with the global args (build args
 * applied). Stops where the build would stop (an expansion error, an empty base name, a platform
 * that does not parse) and then returns false: the build fails before dispatching anything.
 */
export function checkFromArgs(layout: Layout, lexer: ShellLexer, globals: ReadonlyMap<string, string>, host: PlatformSpec, reporter: CheckReporter): boolean {
  const known = new Set([...layout.metaArgs.flatMap(({ command }) => command.args.map((a) => a.key)), ...globals.keys()]);
  for (const { from } of layout.stages) {
    const reportUndeclared = (unmatched: Set<string>) => {
      for (const name of unmatched) {
        if (known.has(name)) continue;
        reporter.report('UndefinedArgInFrom', MESSAGES.UndefinedArgInFrom(name, suggestName(name, known)), from.node.range, from.config);
      }
    };
    try {
      const base = lexer.processWordWithMatches(from.command.baseName, globals);
      reportUndeclared(base.unmatched);
      if (base.word === '') return false;
      const platform = from.command.platform;
      if (platform === undefined || platform === '') continue;
      const result = lexer.processWordWithMatches(platform, globals);
      reportUndeclared(result.unmatched);
      if (result.matched.size === 1 && result.unmatched.size === 0 && result.matched.has('TARGETPLATFORM') && result.word === globals.get('TARGETPLATFORM')) {
        reporter.report('RedundantTargetPlatform', MESSAGES.RedundantTargetPlatform(platform), from.node.range, from.config);
      }
      if (result.matched.size === 0 && result.unmatched.size === 0) {
        const spec = parsePlatform(result.word, host);
        const stageName = from.command.stageName ?? '';
        if (spec && !stageName.includes(spec.os) && !stageName.includes(spec.architecture)) {
          reporter.report('FromPlatformFlagConstDisallowed', MESSAGES.FromPlatformFlagConstDisallowed(result.word), from.node.range, from.config);
        }
      }
      if (result.word === '' || !parsePlatform(result.word, host)) return false;
    } catch (err) {
      if (err instanceof ShellExpansionError) return false;
      throw err;
    }
  }
  return true;
}
