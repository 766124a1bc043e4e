import { StringDecoder } from 'node:string_decoder';
import { DockerfileError } from '../errors';
import { commitContainer, containerBase, probeCache, StepCancelled, withContainer } from '../executor';
import { withChanges } from '../image/config';
import type { RunCommand } from '../instructions';
import type { StepContext } from '../step-context';

/** A RUN whose command exited non-zero; carries the code for events and the CLI's exit. */
export class RunFailedError extends DockerfileError {
  constructor(
    command: string[],
    readonly exitCode: number,
    range: RunCommand['range'],
  ) {
    super(`The command '${command.join(' ')}' returned a non-zero code: ${exitCode}`, range);
  }
}

/** RUN command | RUN ["executable", "param"] */
export async function dispatchRun(ctx: StepContext, c: RunCommand): Promise<void> {
  const { state } = ctx;
  if (c.flagsUsed.length) {
    throw new DockerfileError(`the --${c.flagsUsed[0]} option of RUN is not supported yet`, c.range);
  }
  const cmd = c.prependShell ? [...state.shell(), ...c.args] : [...c.args];
  const buildArgs = state.buildArgs.applicable(state.config.Env).map(([k, v]) => `${k}=${v}`);
  const saveCmd = buildArgs.length ? prependEnvOnCmd(ctx, buildArgs, cmd) : cmd;

  const probe = withChanges(state.config, (p) => {
    p.Cmd = saveCmd;
    p.ArgsEscaped = false;
    if (saveCmd.length) p.Entrypoint = null;
  });
  if (await probeCache(ctx, probe)) return;

  // Build args reach the process through its Env; the committed config is the stage's own
  // (the image backend makes sure the engine's commit does not merge them in).
  const runConfig = withChanges(state.config, (r) => {
    r.Cmd = cmd;
    r.ArgsEscaped = false;
    r.Env = [...(state.config.Env ?? []), ...buildArgs];
    if (saveCmd.length) r.Entrypoint = [''];
    if (state.config.Healthcheck) r.Healthcheck = { Test: ['NONE'] };
  });
  const base = await containerBase(ctx);
  await withContainer(ctx, base, runConfig, async (id) => {
    const code = await runToCompletion(ctx, id);
    if (ctx.signal.aborted) throw new StepCancelled();
    if (code !== 0) throw new RunFailedError(cmd, code, c.range);
    await commitContainer(ctx, id, { image: base, cmd: runConfig.Cmd }, probe);
  });
}

/** `["|2", "A=1", "B=2", cmd...]`: how the classic builder keys a RUN by its build args. */
function prependEnvOnCmd(ctx: StepContext, buildArgs: string[], cmd: string[]): string[] {
  const keyed = buildArgs.filter((kv) => ctx.state.buildArgs.isReferencedOrNotProxy(kv.split('=', 1)[0]!)).sort();
  return [`|${keyed.length}`, ...keyed, ...cmd];
}

/** Attaches, starts and waits; output streams out as step-log events. */
async function runToCompletion(ctx: StepContext, id: string): Promise<number> {
  const { services, step } = ctx;
  const containers = services.backend.containers;
  const out = new StringDecoder('utf8');
  const err = new StringDecoder('utf8');
  const log = (stream: 'stdout' | 'stderr', text: string) => {
    if (text) services.emit({ type: 'step-log', stepId: step.id, stream, text });
  };
  const attached = await containers.attach(id, {
    stdout: (chunk) => log('stdout', out.write(chunk)),
    stderr: (chunk) => log('stderr', err.write(chunk)),
  });
  await containers.start(id);
  const code = await containers.wait(id);
  await attached.ended;
  log('stdout', out.end());
  log('stderr', err.end());
  return code;
}
