import { StringDecoder } from 'node:string_decoder';
import { DockerfileError } from '../errors';
import { commitContainer, containerBase, probeCache, StepCancelled, withContainer } from '../executor';
import { withChanges, type RunConfig } from '../image/config';
import type { RunCommand } from '../instructions';
import { bindDigest, resolveBindSources } from '../run/bind-sources';
import { commitRunContainer } from '../run/commit';
import { HeredocCommandError, heredocRunArgs, type RunArgs } from '../run/heredoc-command';
import { withSecretEnv } from '../run/host-config';
import { MountOptionError, parseRunMount } from '../run/mount-options';
import { checkDistinctTargets, planMount, type MountPlan } from '../run/mount-plan';
import { prepareRunMounts, type PreparedRun } from '../run/prepare';
import { keyedProbe, mountKeyLines } from '../run/run-key';
import type { StepContext } from '../step-context';
import { expandWord } from './expand';

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

/**
 * RUN [--mount=...]... [--network=default|none|host] command | RUN ["executable", "param"]
 * | RUN <<EOF ... (heredocs)
 */
export async function dispatchRun(ctx: StepContext, c: RunCommand): Promise<void> {
  const { state } = ctx;
  if (c.security === 'insecure') {
    throw new DockerfileError(`RUN --security=insecure (line ${c.range.start}) is not supported by Slipway: steps never run privileged`, c.range);
  }
  const { args, script } = runArgs(c);
  const cmd = c.prependShell ? [...state.shell(), ...args] : [...args];
  const buildArgs = state.buildArgs.applicable(state.config.Env).map(([k, v]) => `${k}=${v}`);
  const saveCmd = buildArgs.length ? prependEnvOnCmd(ctx, buildArgs, cmd) : cmd;
  const plans = mountPlans(ctx, c);
  const extended = plans.length > 0 || script !== undefined || (c.network !== undefined && c.network !== 'default');

  const probe = withChanges(state.config, (p) => {
    p.Cmd = saveCmd;
    p.ArgsEscaped = false;
    if (saveCmd.length) p.Entrypoint = null;
  });
  // Mounts, a heredoc script and the network mode are part of the key (as in BuildKit), not of the image.
  const binds = extended ? await resolveBindSources(ctx, plans) : new Map();
  const keyed = extended ? keyedProbe(probe, mountKeyLines(plans, new Map([...binds].map(([i, s]) => [i, bindDigest(s)])), script, c.network)) : probe;
  if (await probeCache(ctx, keyed)) return;

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
  if (!extended) {
    await withContainer(ctx, base, runConfig, async (id) => {
      await runChecked(ctx, id, cmd, c);
      await commitContainer(ctx, id, { image: base, cmd: runConfig.Cmd }, probe);
    });
    return;
  }

  const prepared: PreparedRun = await prepareRunMounts(ctx, base, { plans, binds, ...(script ? { script } : {}), ...(c.network ? { network: c.network } : {}) });
  try {
    const config: RunConfig = prepared.secretEnv ? withChanges(runConfig, (r) => (r.Cmd = withSecretEnv(r.Cmd ?? []))) : runConfig;
    await withContainer(
      ctx,
      base,
      config,
      async (id) => {
        await runChecked(ctx, id, cmd, c);
        await commitRunContainer(ctx, id, { image: base, cmd: config.Cmd }, probe, keyed, prepared.missing);
      },
      prepared.host,
    );
  } finally {
    await prepared.release();
  }
}

function runArgs(c: RunCommand): RunArgs {
  try {
    return heredocRunArgs(c);
  } catch (err) {
    if (err instanceof HeredocCommandError) throw new DockerfileError(err.message, c.range);
    throw err;
  }
}

/** Each `--mount`, expanded against the stage's variables and resolved (relative targets under WORKDIR). */
function mountPlans(ctx: StepContext, c: RunCommand): MountPlan[] {
  try {
    const plans = c.mounts.map((value) => planMount(parseRunMount(value, (word) => expandWord(ctx, word)), ctx.state.config.WorkingDir));
    checkDistinctTargets(plans);
    return plans;
  } catch (err) {
    if (err instanceof MountOptionError) throw new DockerfileError(`RUN --mount: ${err.message}`, c.range);
    throw err;
  }
}

async function runChecked(ctx: StepContext, id: string, cmd: string[], c: RunCommand): Promise<void> {
  const code = await runToCompletion(ctx, id);
  if (ctx.signal.aborted) throw new StepCancelled();
  if (code !== 0) throw new RunFailedError(cmd, code, c.range);
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
