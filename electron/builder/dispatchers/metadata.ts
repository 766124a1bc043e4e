/**
 * The instructions that change only the image config. Each commits a metadata-only image whose
 * history text is the classic builder's `#(nop)` comment.
 */
import type {
  ArgCommand, CmdCommand, EntrypointCommand, EnvCommand, ExposeCommand, HealthcheckCommand, LabelCommand,
  MaintainerCommand, OnbuildCommand, ShellCommand, StopSignalCommand, UserCommand, VolumeCommand,
} from '../instructions';
import { envSet } from '../image/config';
import { commitMetadata } from '../executor';
import { DockerfileError } from '../errors';
import type { StepContext } from '../step-context';
import { expandWord, expandWords } from './expand';
import { goFormatHealthcheck, goQuoteSlice } from './go-format';
import { parsePortSpec } from './ports';
import { isValidSignal } from './signals';

/** ENV key=value ... */
export async function dispatchEnv(ctx: StepContext, c: EnvCommand): Promise<void> {
  const pairs = c.env.map(({ key, value }) => ({ key: expandWord(ctx, key), value: expandWord(ctx, value) }));
  for (const { key, value } of pairs) ctx.state.config.Env = envSet(ctx.state.config.Env, key, value);
  await commitMetadata(ctx, `ENV ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`);
}

/** MAINTAINER name */
export async function dispatchMaintainer(ctx: StepContext, c: MaintainerCommand): Promise<void> {
  ctx.state.maintainer = c.maintainer;
  await commitMetadata(ctx, `MAINTAINER ${c.maintainer}`);
}

/** LABEL key=value ... */
export async function dispatchLabel(ctx: StepContext, c: LabelCommand): Promise<void> {
  const pairs = c.labels.map(({ key, value }) => ({ key: expandWord(ctx, key), value: expandWord(ctx, value) }));
  const labels = { ...(ctx.state.config.Labels ?? {}) };
  for (const { key, value } of pairs) labels[key] = value;
  ctx.state.config.Labels = labels;
  await commitMetadata(ctx, `LABEL ${pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`);
}

/** EXPOSE port[/proto] ... (the one instruction whose words split after expansion) */
export async function dispatchExpose(ctx: StepContext, c: ExposeCommand): Promise<void> {
  const ports = c.ports.flatMap((p) => expandWords(ctx, p));
  const exposed = { ...(ctx.state.config.ExposedPorts ?? {}) };
  for (const spec of ports) {
    let parsed: string[];
    try {
      parsed = parsePortSpec(spec);
    } catch (err) {
      throw new DockerfileError((err as Error).message, c.range);
    }
    for (const port of parsed) exposed[port] = {};
  }
  ctx.state.config.ExposedPorts = exposed;
  await commitMetadata(ctx, `EXPOSE ${ports.join(' ')}`);
}

/** VOLUME /path ... */
export async function dispatchVolume(ctx: StepContext, c: VolumeCommand): Promise<void> {
  const volumes = c.volumes.map((v) => expandWord(ctx, v));
  if (volumes.includes('')) throw new DockerfileError('VOLUME specified can not be an empty string', c.range);
  const all = { ...(ctx.state.config.Volumes ?? {}) };
  for (const v of volumes) all[v] = {};
  ctx.state.config.Volumes = all;
  await commitMetadata(ctx, `VOLUME [${volumes.join(' ')}]`);
}

/** USER user[:group] */
export async function dispatchUser(ctx: StepContext, c: UserCommand): Promise<void> {
  const user = expandWord(ctx, c.user);
  ctx.state.config.User = user;
  await commitMetadata(ctx, `USER ${user}`);
}

/** STOPSIGNAL signal */
export async function dispatchStopSignal(ctx: StepContext, c: StopSignalCommand): Promise<void> {
  const signal = expandWord(ctx, c.signal);
  if (!isValidSignal(signal)) throw new DockerfileError(`Invalid signal: ${signal}`, c.range);
  ctx.state.config.StopSignal = signal;
  await commitMetadata(ctx, `STOPSIGNAL ${signal}`);
}

/** ARG name[=default] ... */
export async function dispatchArg(ctx: StepContext, c: ArgCommand): Promise<void> {
  const args = c.args.map(({ key, value }) => ({ key: expandWord(ctx, key), value: value === undefined ? undefined : expandWord(ctx, value) }));
  for (const { key, value } of args) ctx.state.buildArgs.declare(key, value);
  await commitMetadata(ctx, `ARG ${args.map((a) => (a.value === undefined ? a.key : `${a.key}=${a.value}`)).join(' ')}`);
}

/** SHELL ["executable", "parameters"] */
export async function dispatchShell(ctx: StepContext, c: ShellCommand): Promise<void> {
  ctx.state.config.Shell = [...c.shell];
  await commitMetadata(ctx, `SHELL [${c.shell.join(' ')}]`);
}

/** ONBUILD INSTRUCTION ... (stored for images built FROM this one) */
export async function dispatchOnbuild(ctx: StepContext, c: OnbuildCommand): Promise<void> {
  ctx.state.config.OnBuild = [...(ctx.state.config.OnBuild ?? []), c.expression];
  await commitMetadata(ctx, `ONBUILD ${c.expression}`);
}

/** CMD ["executable","param"] | CMD command param */
export async function dispatchCmd(ctx: StepContext, c: CmdCommand): Promise<void> {
  const cmd = c.prependShell ? [...ctx.state.shell(), ...c.args] : [...c.args];
  ctx.state.config.Cmd = cmd;
  ctx.state.config.ArgsEscaped = false;
  await commitMetadata(ctx, `CMD ${goQuoteSlice(cmd)}`);
  if (c.args.length) ctx.state.cmdSet = true;
}

/** ENTRYPOINT ["executable","param"] | ENTRYPOINT command param */
export async function dispatchEntrypoint(ctx: StepContext, c: EntrypointCommand): Promise<void> {
  const entrypoint = c.prependShell ? (c.args.length ? [...ctx.state.shell(), ...c.args] : null) : c.args.length ? [...c.args] : null;
  ctx.state.config.Entrypoint = entrypoint;
  ctx.state.config.ArgsEscaped = false;
  if (!ctx.state.cmdSet) ctx.state.config.Cmd = null;
  await commitMetadata(ctx, `ENTRYPOINT ${goQuoteSlice(entrypoint ?? [])}`);
}

/** HEALTHCHECK [options] CMD command | HEALTHCHECK NONE */
export async function dispatchHealthcheck(ctx: StepContext, c: HealthcheckCommand): Promise<void> {
  const previous = ctx.state.config.Healthcheck?.Test;
  if (previous?.length && previous[0] !== 'NONE') {
    ctx.services.emit({ type: 'step-log', stepId: ctx.step.id, stream: 'stdout', text: `Note: overriding previous HEALTHCHECK: [${previous.join(' ')}]\n` });
  }
  // The classic builder's container create fills the fields a new check leaves at zero from
  // the previous one (even for NONE), and keeps the result.
  const h = c.health;
  const before = ctx.state.config.Healthcheck ?? {};
  const pick = (value: number | undefined, previous: number | undefined) => value || previous || undefined;
  const merged = {
    Test: h.test.length ? h.test : before.Test,
    Interval: pick(h.interval, before.Interval),
    Timeout: pick(h.timeout, before.Timeout),
    StartPeriod: pick(h.startPeriod, before.StartPeriod),
    StartInterval: pick(h.startInterval, before.StartInterval),
    Retries: pick(h.retries, before.Retries),
  };
  ctx.state.config.Healthcheck = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  await commitMetadata(ctx, `HEALTHCHECK ${goFormatHealthcheck(ctx.state.config.Healthcheck)}`);
}
