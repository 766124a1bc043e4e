/**
 * A RUN's mounts and network as the Engine API's HostConfig (`Mounts`, `NetworkMode`). Pure:
 * given where each source was put (a cache volume, a path in the step's scratch volume), it
 * says what the step container gets.
 */
import { PIPES_DIR } from './heredoc-command';
import type { MountPlan } from './mount-plan';

/** One entry of HostConfig.Mounts. */
export interface EngineMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions?: { NoCopy: boolean };
  TmpfsOptions?: { SizeBytes?: number };
}

/** Where the file that exports `env=` secrets is mounted (under /dev: never in a layer). */
export const SECRET_ENV_FILE = '/dev/.slipway-secret-env';

export interface PlacedSources {
  /** The scratch volume's directory on the engine host. */
  scratchDir?: string;
  /** Plan index -> cache volume name. */
  cacheVolumes: ReadonlyMap<number, string>;
  /** Plan index -> path in the scratch volume (bind sources, secret files). */
  scratchPaths: ReadonlyMap<number, string>;
  /** Scratch paths of the heredoc script folder and the secret environment file, when there are. */
  pipes?: string;
  secretEnv?: string;
}

export type NetworkMode = 'default' | 'none' | 'host';

export function hostConfig(plans: readonly MountPlan[], placed: PlacedSources, network: NetworkMode | undefined): Record<string, unknown> | undefined {
  const mounts = engineMounts(plans, placed);
  const host: Record<string, unknown> = {};
  if (mounts.length) host.Mounts = mounts;
  if (network === 'none' || network === 'host') host.NetworkMode = network;
  return Object.keys(host).length ? host : undefined;
}

export function engineMounts(plans: readonly MountPlan[], placed: PlacedSources): EngineMount[] {
  const fromScratch = (path: string) => {
    if (!placed.scratchDir) throw new Error('a mount needs the scratch volume, which was not made');
    return `${placed.scratchDir.replace(/\/+$/, '')}/${path}`;
  };
  const out: EngineMount[] = [];
  plans.forEach((plan, i) => {
    switch (plan.kind) {
      case 'cache': {
        const volume = placed.cacheVolumes.get(i);
        if (!volume) throw new Error(`no volume for the cache mount on ${plan.target}`);
        out.push({ Type: 'volume', Source: volume, Target: plan.target, ReadOnly: plan.readOnly, VolumeOptions: { NoCopy: true } });
        break;
      }
      case 'tmpfs':
        out.push({ Type: 'tmpfs', Target: plan.target, ReadOnly: plan.readOnly, TmpfsOptions: plan.size ? { SizeBytes: plan.size } : {} });
        break;
      case 'bind': {
        const path = placed.scratchPaths.get(i);
        if (path === undefined) throw new Error(`no source for the bind mount on ${plan.target}`);
        out.push({ Type: 'bind', Source: fromScratch(path), Target: plan.target, ReadOnly: plan.readOnly });
        break;
      }
      case 'secret': {
        // An optional secret the build was not given is not mounted at all.
        const path = placed.scratchPaths.get(i);
        if (plan.target !== undefined && path !== undefined) out.push({ Type: 'bind', Source: fromScratch(path), Target: plan.target, ReadOnly: true });
        break;
      }
    }
  });
  if (placed.pipes !== undefined) out.push({ Type: 'bind', Source: fromScratch(placed.pipes), Target: PIPES_DIR, ReadOnly: true });
  if (placed.secretEnv !== undefined) out.push({ Type: 'bind', Source: fromScratch(placed.secretEnv), Target: SECRET_ENV_FILE, ReadOnly: true });
  return out;
}

/**
 * The container's command when secrets are environment variables: a /bin/sh that reads them
 * from the mounted file and execs the command with its arguments untouched (they never sit in
 * the container's config, which a commit would copy into the image).
 */
export function withSecretEnv(cmd: readonly string[]): string[] {
  return ['/bin/sh', '-c', `. ${SECRET_ENV_FILE} && exec "$@"`, 'sh', ...cmd];
}

/** `export NAME='value'` lines for the secret environment file, byte for byte (only `'` needs care in single quotes). */
export function secretEnvScript(values: ReadonlyMap<string, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of values) {
    parts.push(Buffer.from(`export ${name}='`));
    let start = 0;
    for (let i = value.indexOf(0x27); i >= 0; i = value.indexOf(0x27, start)) {
      parts.push(value.subarray(start, i), Buffer.from(`'\\''`));
      start = i + 1;
    }
    parts.push(value.subarray(start), Buffer.from(`'\n`));
  }
  return Buffer.concat(parts);
}
