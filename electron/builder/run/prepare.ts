/**
 * Everything a RUN's mounts need on the engine before its container is created: cache volumes
 * (with their sharing turns), one scratch volume holding the step's secrets, heredoc script and
 * bind sources (filled through a helper container that never runs), and the list of mount
 * targets the image lacks. The step container then only bind-mounts paths of the scratch
 * volume: nothing of it is in the container's own filesystem, so nothing of it is committed.
 */
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ContainerOwner, ExecBackend } from '../backend';
import { DockerfileError } from '../errors';
import { emptyRunConfig, type RunConfig } from '../image/config';
import type { StepContext } from '../step-context';
import type { RunMountBackend } from './backend';
import type { BindSource } from './bind-sources';
import { cacheMounts } from './cache-volumes';
import type { HeredocScript } from './heredoc-command';
import { hostConfig, secretEnvScript, type NetworkMode } from './host-config';
import type { CacheMountPlan, MountPlan } from './mount-plan';
import { missingPaths } from './mount-stubs';
import { renameTarEntries, underRoot } from './tar-rename';

/** Where helper containers see the scratch volume. */
const SCRATCH_IN_HELPER = '/.slipway-scratch';
/** Where the helper that sets a new cache volume's owner and mode sees it. */
const CACHE_IN_HELPER = '/.slipway-cache-init';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RunMountInputs {
  plans: readonly MountPlan[];
  binds: ReadonlyMap<number, BindSource>;
  script?: HeredocScript;
  network?: NetworkMode;
}

export interface PreparedRun {
  /** HostConfig additions for the step container. */
  host?: Record<string, unknown>;
  /** Paths the engine will create as mount points (mount-stubs.ts takes them out again). */
  missing: string[];
  /** Secrets as environment variables: the command must be wrapped (host-config.ts, withSecretEnv). */
  secretEnv: boolean;
  /** Gives cache volumes back and removes the scratch volume. */
  release(): Promise<void>;
}

export function runMountBackend(ctx: StepContext): RunMountBackend {
  const mounts = ctx.services.backend.mounts;
  if (!mounts) throw new DockerfileError('RUN --mount needs an engine backend with volumes, which this one lacks', ctx.command.range);
  return mounts;
}

export async function prepareRunMounts(ctx: StepContext, base: string, inputs: RunMountInputs): Promise<PreparedRun> {
  const { services, step } = ctx;
  const owner: ContainerOwner = { buildId: services.buildId, stepId: step.id };
  const containers = services.backend.containers;
  const cleanups: (() => Promise<void>)[] = [];
  const release = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    const { plans } = inputs;
    const secrets = await readSecrets(ctx, plans);
    const needsScratch = inputs.script !== undefined || inputs.binds.size > 0 || secrets.files.size > 0 || secrets.env.size > 0;
    const mounts = plans.length || needsScratch ? runMountBackend(ctx) : undefined;
    const scratch = needsScratch ? await mounts!.volumes.createScratch(owner) : undefined;
    if (scratch) cleanups.push(() => mounts!.volumes.remove(scratch));

    const scratchPaths = new Map<number, string>();
    let missing: string[] = [];
    if (plans.length || scratch) {
      const helper = await containers.createContainer({
        image: base,
        config: helperConfig(),
        owner,
        ...(scratch ? { host: { Mounts: [{ Type: 'volume', Source: scratch, Target: SCRATCH_IN_HELPER }] } } : {}),
      });
      try {
        const targets = plans.flatMap((p) => (p.target !== undefined ? [p.target] : []));
        missing = await missingPaths(targets, async (path) => (await containers.statPath(helper, path)) !== undefined);
        if (secrets.env.size && !(await containers.statPath(helper, '/bin/sh'))) {
          throw new DockerfileError('a secret mounted as an environment variable (env=) needs /bin/sh in the image', ctx.command.range);
        }
        if (scratch) {
          for (const [i, path] of secrets.files) scratchPaths.set(i, path.name);
          await containers.putArchive(helper, SCRATCH_IN_HELPER, scratchTar(inputs, secrets));
          for (const [i, source] of inputs.binds) {
            scratchPaths.set(i, `binds/${i}`);
            await placeBindSource(ctx, helper, i, source, plans[i]!);
          }
        }
      } finally {
        await containers.remove(helper);
      }
    }
    const scratchDir = scratch ? await mounts!.volumes.mountpoint(scratch) : undefined;

    const cacheVolumes = new Map<number, string>();
    for (const [i, plan] of plans.entries()) {
      if (plan.kind !== 'cache') continue;
      const lease = await cacheMounts.acquire(plan, mounts!.volumes, (volume) => initialiseCache(ctx, base, volume, plan), ctx.signal);
      cleanups.push(async () => lease.release());
      cacheVolumes.set(i, lease.volume);
    }

    const host = hostConfig(
      plans,
      {
        ...(scratchDir ? { scratchDir } : {}),
        cacheVolumes,
        scratchPaths,
        ...(inputs.script ? { pipes: 'pipes' } : {}),
        ...(secrets.env.size ? { secretEnv: 'env/secrets.sh' } : {}),
      },
      inputs.network,
    );
    return { ...(host ? { host } : {}), missing, secretEnv: secrets.env.size > 0, release };
  } catch (err) {
    await release();
    throw err;
  }
}

interface SecretFiles {
  /** Plan index -> the file to write (name in the scratch volume, bytes, owner, mode). */
  files: Map<number, { name: string; content: Buffer; uid: number; gid: number; mode: number }>;
  /** Variable name -> value. */
  env: Map<string, Buffer>;
}

async function readSecrets(ctx: StepContext, plans: readonly MountPlan[]): Promise<SecretFiles> {
  const out: SecretFiles = { files: new Map(), env: new Map() };
  for (const [i, plan] of plans.entries()) {
    if (plan.kind !== 'secret') continue;
    const content = await ctx.services.secrets?.read(plan.id).catch((err: unknown) => {
      throw new DockerfileError((err as Error).message, ctx.command.range);
    });
    if (content === undefined) {
      if (plan.required) throw new DockerfileError(`secret ${plan.id}: not found (pass it with --secret id=${plan.id},src=<file>)`, ctx.command.range);
      continue;
    }
    if (plan.target !== undefined) out.files.set(i, { name: `secrets/${i}`, content, uid: plan.uid, gid: plan.gid, mode: plan.mode });
    if (plan.env !== undefined) {
      if (!ENV_NAME.test(plan.env)) throw new DockerfileError(`invalid environment variable name for secret ${plan.id}: "${plan.env}"`, ctx.command.range);
      if (content.includes(0)) throw new DockerfileError(`secret ${plan.id} holds a NUL byte and cannot be an environment variable`, ctx.command.range);
      out.env.set(plan.env, content);
    }
  }
  return out;
}

/** The scratch volume's own files: folders, the heredoc script (0755), secret files, the secret environment. */
function scratchTar(inputs: RunMountInputs, secrets: SecretFiles): Readable {
  const pack = tar.pack();
  const dir = (name: string, mode = 0o755) => pack.entry({ name: `${name}/`, type: 'directory', mode, uid: 0, gid: 0 });
  dir('binds');
  for (const [i, source] of inputs.binds) {
    if (source.kind === 'context' && source.entry.type === 'directory') dir(`binds/${i}`);
  }
  if (inputs.script) {
    dir('pipes');
    pack.entry({ name: `pipes/${inputs.script.name}`, mode: 0o755, uid: 0, gid: 0 }, inputs.script.content);
  }
  dir('secrets', 0o700);
  for (const file of secrets.files.values()) pack.entry({ name: file.name, mode: file.mode, uid: file.uid, gid: file.gid }, file.content);
  if (secrets.env.size) {
    dir('env');
    pack.entry({ name: 'env/secrets.sh', mode: 0o444, uid: 0, gid: 0 }, secretEnvScript(secrets.env));
  }
  pack.finalize();
  return pack as unknown as Readable;
}

/** Puts one bind mount's source at `binds/<i>` in the scratch volume. */
async function placeBindSource(ctx: StepContext, helper: string, i: number, source: BindSource, plan: MountPlan): Promise<void> {
  const { services } = ctx;
  const containers = services.backend.containers;
  const name = `binds/${i}`;
  if (source.kind === 'context') {
    await containers.putArchive(helper, SCRATCH_IN_HELPER, services.context.pack([{ entry: source.entry, name }]));
    return;
  }
  const path = plan.kind === 'bind' ? plan.source : '/';
  const reader = await containers.createContainer({ image: source.imageId, config: helperConfig(), owner: { buildId: services.buildId, stepId: ctx.step.id } });
  try {
    const stat = await containers.statPath(reader, path);
    if (!stat) throw new DockerfileError(`failed to mount ${path} from ${source.name}: not found`, ctx.command.range);
    const tarStream = stat.isDirectory
      ? renameTarEntries(await containers.getArchive(reader, path === '/' ? '/.' : `${path}/.`), underRoot(name))
      : renameTarEntries(await containers.getArchive(reader, path), () => name);
    await containers.putArchive(helper, SCRATCH_IN_HELPER, tarStream);
  } finally {
    await containers.remove(reader);
  }
}

/** A new cache volume gets the mount's owner and mode (BuildKit makes the cache directory so). */
async function initialiseCache(ctx: StepContext, base: string, volume: string, plan: CacheMountPlan): Promise<void> {
  const containers: ExecBackend = ctx.services.backend.containers;
  const helper = await containers.createContainer({
    image: base,
    config: helperConfig(),
    owner: { buildId: ctx.services.buildId, stepId: ctx.step.id },
    host: { Mounts: [{ Type: 'volume', Source: volume, Target: `${CACHE_IN_HELPER}/cache`, VolumeOptions: { NoCopy: true } }] },
  });
  try {
    const pack = tar.pack();
    pack.entry({ name: 'cache/', type: 'directory', mode: plan.mode ?? 0o755, uid: plan.uid ?? 0, gid: plan.gid ?? 0 });
    pack.finalize();
    await containers.putArchive(helper, CACHE_IN_HELPER, pack as unknown as Readable);
  } finally {
    await containers.remove(helper);
  }
}

/** Helper containers are created, read and written, never started. */
function helperConfig(): RunConfig {
  return { ...emptyRunConfig(), Cmd: ['/.slipway-helper-never-runs'], Entrypoint: null };
}
