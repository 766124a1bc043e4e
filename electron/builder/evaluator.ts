/** Runs one command of a stage: word expansion is per dispatcher; an exhaustive switch. */
import type { Command } from './instructions';
import type { StepContext } from './step-context';
import { dispatchCopy } from './dispatchers/copy';
import {
  dispatchArg, dispatchCmd, dispatchEntrypoint, dispatchEnv, dispatchExpose, dispatchHealthcheck, dispatchLabel,
  dispatchMaintainer, dispatchOnbuild, dispatchShell, dispatchStopSignal, dispatchUser, dispatchVolume,
} from './dispatchers/metadata';
import { dispatchRun } from './dispatchers/run';
import { dispatchWorkdir } from './dispatchers/workdir';

export async function dispatch(ctx: StepContext, command: Command): Promise<void> {
  switch (command.kind) {
    case 'RUN': return dispatchRun(ctx, command);
    case 'COPY':
    case 'ADD': return dispatchCopy(ctx, command);
    case 'WORKDIR': return dispatchWorkdir(ctx, command);
    case 'ENV': return dispatchEnv(ctx, command);
    case 'LABEL': return dispatchLabel(ctx, command);
    case 'MAINTAINER': return dispatchMaintainer(ctx, command);
    case 'EXPOSE': return dispatchExpose(ctx, command);
    case 'VOLUME': return dispatchVolume(ctx, command);
    case 'USER': return dispatchUser(ctx, command);
    case 'STOPSIGNAL': return dispatchStopSignal(ctx, command);
    case 'ARG': return dispatchArg(ctx, command);
    case 'SHELL': return dispatchShell(ctx, command);
    case 'ONBUILD': return dispatchOnbuild(ctx, command);
    case 'CMD': return dispatchCmd(ctx, command);
    case 'ENTRYPOINT': return dispatchEntrypoint(ctx, command);
    case 'HEALTHCHECK': return dispatchHealthcheck(ctx, command);
    default: {
      const unreachable: never = command;
      throw new Error(`no dispatcher for ${(unreachable as Command).kind}`);
    }
  }
}
