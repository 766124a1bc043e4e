/**
 * The command a RUN with heredocs runs, as BuildKit's dispatchRun builds it:
 * - `RUN <<EOF` alone, body starting with `#!`: the body becomes an executable file at
 *   /dev/pipes/EOF and that path is the command;
 * - `RUN <<EOF` alone otherwise: the body itself is the shell's command string (`<<-` chomped);
 * - anything else: the line and every body with its terminator, put back together for the shell.
 * BuildKit never expands variables in these bodies (quoted terminator or not): the shell does.
 */
import { posix } from 'node:path';
import { chompHeredocContent, parseHeredocMarker } from '../parser';
import type { InlineFile } from '../instructions';

/** Where a shebang heredoc is mounted (BuildKit's path; under /dev, so it never reaches a layer). */
export const PIPES_DIR = '/dev/pipes';

export interface HeredocScript {
  /** The file's name in PIPES_DIR. */
  name: string;
  content: string;
}

export interface RunArgs {
  /** The arguments before the shell is prepended (shell form) or as given (exec form). */
  args: string[];
  /** A script file the command runs, which the step container must see in PIPES_DIR. */
  script?: HeredocScript;
}

export class HeredocCommandError extends Error {}

export function heredocRunArgs(c: { args: readonly string[]; prependShell: boolean; files: readonly InlineFile[] }): RunArgs {
  if (c.files.length === 0) return { args: [...c.args] };
  if (c.args.length !== 1 || !c.prependShell) {
    throw new HeredocCommandError(`parsing produced an invalid run command: [${c.args.join(' ')}]`);
  }
  const line = c.args[0]!;
  const first = c.files[0]!;
  if (parseHeredocMarker(line)) {
    const data = first.chomp ? chompHeredocContent(first.content) : first.content;
    if (data.startsWith('#!')) {
      const name = posix.basename(posix.join('/', first.name)) || 'script';
      return { args: [posix.join(PIPES_DIR, name)], script: { name, content: data } };
    }
    return { args: [data] };
  }
  let text = line;
  for (const file of c.files) text += `\n${file.content}${file.name}`;
  return { args: [text] };
}
