import type { ArgCommand } from '../instructions';
import { hostPlatform, platformArgs } from '../platform';
import { ShellLexer } from '../shell';

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
      else if (value !== undefined) values.set(key, lexer.processWord(value, values));
    }
  }
  return values;
}
