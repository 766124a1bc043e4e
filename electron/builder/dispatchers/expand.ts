import { DockerfileError } from '../errors';
import { ShellExpansionError } from '../shell';
import type { StepContext } from '../step-context';

/** Expands one word against the stage's environment (Env, then applicable build args). */
export function expandWord(ctx: StepContext, word: string): string {
  return guard(ctx, () => ctx.lexer.processWord(word, ctx.state.expansionEnv()));
}

/** Expands and splits into words (EXPOSE only, as in the classic builder). */
export function expandWords(ctx: StepContext, word: string): string[] {
  return guard(ctx, () => ctx.lexer.processWords(word, ctx.state.expansionEnv()));
}

function guard<T>(ctx: StepContext, expand: () => T): T {
  try {
    return expand();
  } catch (err) {
    if (err instanceof ShellExpansionError) throw new DockerfileError(err.message, ctx.command.range);
    throw err;
  }
}
