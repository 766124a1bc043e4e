/**
 * What each `--mount` of a RUN asks for, resolved against the stage (BuildKit's
 * dispatchRunMounts and dispatchSecret): absolute targets (relative ones are under WORKDIR),
 * cache ids, secret ids and destinations. Pure; the engine side comes later.
 */
import { posix } from 'node:path';
import type { CacheSharing, RunMountOptions } from './mount-options';
import { MountOptionError, requireTarget } from './mount-options';

export interface CacheMountPlan {
  kind: 'cache';
  target: string;
  id: string;
  sharing: CacheSharing;
  readOnly: boolean;
  /** Owner and mode of the cache directory when it is first made (0:0 0755 by default). */
  uid?: number;
  gid?: number;
  mode?: number;
}

export interface TmpfsMountPlan {
  kind: 'tmpfs';
  target: string;
  readOnly: boolean;
  size?: number;
}

export interface BindMountPlan {
  kind: 'bind';
  target: string;
  /** Absolute, cleaned path inside the source ('/' for all of it). */
  source: string;
  /** A stage name or index, or an image; absent: the build context. */
  from?: string;
  readOnly: boolean;
}

export interface SecretMountPlan {
  kind: 'secret';
  id: string;
  /** The file's path; absent when the secret is only an environment variable. */
  target?: string;
  env?: string;
  required: boolean;
  uid: number;
  gid: number;
  mode: number;
}

export type MountPlan = CacheMountPlan | TmpfsMountPlan | BindMountPlan | SecretMountPlan;

/** A mount the plan cannot honour, with the reason. */
export class MountPlanError extends MountOptionError {}

export function planMount(m: RunMountOptions, workingDir: string): MountPlan {
  switch (m.type) {
    case 'secret':
      return planSecret(m, workingDir);
    case 'ssh':
      throw new MountPlanError('RUN --mount=type=ssh is not supported by Slipway (no SSH agent is forwarded to step containers)');
    case 'cache': {
      if (m.from) throw new MountPlanError(`a cache mount seeded from "${m.from}" is not supported by Slipway`);
      if (m.source && posix.join('/', m.source) !== '/') throw new MountPlanError('a cache mount with a source path is not supported by Slipway');
      const written = requireTarget(m);
      return {
        kind: 'cache',
        target: absoluteTarget(written, workingDir),
        id: m.id || posix.normalize(written).replace(/(.)\/$/, '$1'),
        sharing: m.sharing ?? 'shared',
        readOnly: m.readOnly,
        ...(m.uid !== undefined ? { uid: m.uid } : {}),
        ...(m.gid !== undefined ? { gid: m.gid } : {}),
        ...(m.mode !== undefined ? { mode: m.mode } : {}),
      };
    }
    case 'tmpfs':
      return { kind: 'tmpfs', target: absoluteTarget(requireTarget(m), workingDir), readOnly: m.readOnly, ...(m.sizeLimit ? { size: m.sizeLimit } : {}) };
    case 'bind':
      return {
        kind: 'bind',
        target: absoluteTarget(requireTarget(m), workingDir),
        source: posix.join('/', m.source ?? ''),
        ...(m.from ? { from: m.from } : {}),
        readOnly: m.readOnly,
      };
  }
}

/** Every target once: two mounts on one path is an error (the engine would refuse it anyway). */
export function checkDistinctTargets(plans: readonly MountPlan[]): void {
  const seen = new Set<string>();
  for (const plan of plans) {
    const target = plan.target;
    if (target === undefined) continue;
    if (seen.has(target)) throw new MountPlanError(`duplicate mount target "${target}"`);
    seen.add(target);
  }
}

function planSecret(m: RunMountOptions, workingDir: string): SecretMountPlan {
  let id = m.source || m.id || '';
  if (!id) {
    if (!m.target) throw new MountPlanError('one of source, target required');
    id = posix.basename(m.target);
  }
  let target = m.target || undefined;
  if (m.env === undefined && !target) target = `/run/secrets/${posix.basename(id)}`;
  return {
    kind: 'secret',
    id,
    ...(target !== undefined ? { target: absoluteTarget(target, workingDir) } : {}),
    ...(m.env !== undefined ? { env: m.env } : {}),
    required: m.required,
    uid: m.uid ?? 0,
    gid: m.gid ?? 0,
    mode: m.mode ?? 0o400,
  };
}

function absoluteTarget(target: string, workingDir: string): string {
  const joined = target.startsWith('/') ? posix.normalize(target) : posix.join('/', workingDir || '/', target);
  const clean = joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
  if (clean === '/') throw new MountPlanError(`invalid mount target "${target}"`);
  return clean;
}
