import type { ArgCommand } from '../instructions';
import { hostPlatform, platformArgs } from '../platform';
import { DockerfileError } from '../errors';
import { ShellExpansionError, ShellLexer } from '../shell';

/**
 * The values of the ARGs before the first FROM: a `--build-arg` wins, else the default,
 * expanded with the meta-ARGs declared before it. An ARG without either stays unset.
 * The automatic platform ARGs (`automatic`, BuildKit's global scope) are there from the start;
 * a `--build-arg` of the same name overrides them.
 */
export function resolveMetaArgs(
  metaArgs: readonly ArgCommand[],
  buildArgs: Readonly<Record<string, string>>,
  lexer: ShellLexer,
  automatic: ReadonlyMap<string, string> = platformArgs(hostPlatform()),
): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of automatic) values.set(key, Object.hasOwn(buildArgs, key) ? buildArgs[key]! : value);
  for (const command of metaArgs) {
    for (const { key, value } of command.args) {
      if (Object.hasOwn(buildArgs, key)) values.set(key, buildArgs[key]!);
      else if (value !== undefined) values.set(key, expandAt(command, () => lexer.processWord(value, values)));
    }
  }
  return values;
}

/** An ARG default that does not expand is an error on that ARG's lines. */
function expandAt(command: ArgCommand, expand: () => string): string {
  try {
    return expand();
  } catch (err) {
    if (err instanceof ShellExpansionError) throw new DockerfileError(err.message, command.range);
    throw err;
  }
}
