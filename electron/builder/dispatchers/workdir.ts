import { posix } from 'node:path';
import { commitContainer, containerBase, probeCache, withCmdCommentString, withContainer } from '../executor';
import type { WorkdirCommand } from '../instructions';
import type { StepContext } from '../step-context';
import { expandWord } from './expand';

/** WORKDIR /path (relative paths join the previous WORKDIR; the directory is always created) */
export async function dispatchWorkdir(ctx: StepContext, c: WorkdirCommand): Promise<void> {
  const { state } = ctx;
  const requested = expandWord(ctx, c.path);
  state.config.WorkingDir = posix.isAbsolute(requested)
    ? posix.normalize(requested)
    : posix.join('/', state.config.WorkingDir || '/', requested);
  if (state.config.WorkingDir.length > 1) state.config.WorkingDir = state.config.WorkingDir.replace(/\/+$/, '');

  const probe = withCmdCommentString(state, `WORKDIR ${state.config.WorkingDir}`);
  if (await probeCache(ctx, probe)) return;
  // The engine creates WorkingDir when it creates the container; committing keeps it.
  const base = await containerBase(ctx);
  await withContainer(ctx, base, probe, (id) => commitContainer(ctx, id, { image: base, cmd: probe.Cmd }, probe));
}
