/**
 * Named volumes through the Engine API, for `RUN --mount`: cache mounts are volumes labelled
 * `dev.slipway.cache=<id>` that outlive builds (listed and pruned by the user); each RUN with
 * secrets, heredoc scripts or bind sources gets a scratch volume labelled like its containers
 * (build, step, owner), removed with the step or by the start-up sweep.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { CacheMountInfo, CacheMountPruneResult } from '../../shared/contract';
import type { ContainerOwner } from '../builder/backend';
import type { VolumeBackend, VolumeInfo } from '../builder/run/backend';
import { CACHE_LABEL } from '../builder/run/cache-volumes';
import { BUILD_LABEL, containerName, OWNER_LABEL, processOwner, STEP_LABEL } from './containers';

/** Marks a step's scratch volume (secrets, heredoc scripts, bind sources): removed with the step. */
export const SCRATCH_LABEL = 'dev.slipway.scratch';

/** Where a Slipway home keeps the "last used" time of each cache volume. */
export const cacheUsageDir = (home: string): string => join(home, 'cache-mounts');

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

export class DockerVolumes implements VolumeBackend {
  constructor(
    private readonly docker: Docker,
    /** Where "last used" times of cache volumes are kept (one small file per volume). */
    private readonly usageDir?: string,
  ) {}

  async find(name: string): Promise<VolumeInfo | undefined> {
    try {
      const info = (await this.docker.getVolume(name).inspect()) as Docker.VolumeInspectInfo & { CreatedAt?: string };
      return { name: info.Name, labels: info.Labels ?? {}, ...(info.CreatedAt ? { createdAt: info.CreatedAt } : {}) };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async create(name: string, labels: Record<string, string>): Promise<void> {
    await this.docker.createVolume({ Name: name, Driver: 'local', Labels: labels });
  }

  async createScratch(owner: ContainerOwner): Promise<string> {
    const name = containerName(owner.buildId, owner.stepId);
    await this.create(name, { [BUILD_LABEL]: owner.buildId, [STEP_LABEL]: owner.stepId, [OWNER_LABEL]: processOwner(), [SCRATCH_LABEL]: '1' });
    return name;
  }

  async mountpoint(name: string): Promise<string> {
    const info = await this.docker.getVolume(name).inspect();
    if (!info.Mountpoint) throw new Error(`the engine reports no directory for volume ${name}`);
    return info.Mountpoint;
  }

  async remove(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    if (this.usageDir) await rm(join(this.usageDir, name), { force: true });
  }

  async touch(name: string): Promise<void> {
    if (!this.usageDir) return;
    await mkdir(this.usageDir, { recursive: true });
    await writeFile(join(this.usageDir, name), String(Date.now()));
  }

  /** Every cache mount's volumes, grouped by mount id, most recently used first. */
  async listCacheMounts(): Promise<CacheMountInfo[]> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [CACHE_LABEL] } });
    const [sizes, inUse, used] = await Promise.all([this.sizes(), this.volumesInUse(), this.lastUsedTimes()]);
    const byId = new Map<string, CacheMountInfo>();
    for (const volume of Volumes ?? []) {
      const id = volume.Labels?.[CACHE_LABEL] ?? volume.Name;
      const info = byId.get(id) ?? { id, volumes: [], inUse: false };
      info.volumes.push(volume.Name);
      const size = sizes?.get(volume.Name);
      if (size !== undefined && size >= 0) info.sizeBytes = (info.sizeBytes ?? 0) + size;
      const created = (volume as { CreatedAt?: string }).CreatedAt;
      if (created && (!info.createdAt || created < info.createdAt)) info.createdAt = created;
      const last = used.get(volume.Name);
      if (last !== undefined && (info.lastUsed === undefined || last > info.lastUsed)) info.lastUsed = last;
      if (inUse.has(volume.Name)) info.inUse = true;
      byId.set(id, info);
    }
    return [...byId.values()].sort((a, b) => (b.lastUsed ?? 0) - (a.lastUsed ?? 0) || a.id.localeCompare(b.id));
  }

  /** Removes the cache mounts named (all when `ids` is absent); a volume a container uses stays. */
  async pruneCacheMounts(ids?: readonly string[]): Promise<CacheMountPruneResult> {
    const mounts = await this.listCacheMounts();
    const wanted = ids ? new Set(ids) : undefined;
    const result: CacheMountPruneResult = { removed: [], kept: [], reclaimedBytes: 0 };
    for (const mount of mounts) {
      if (wanted && !wanted.has(mount.id)) continue;
      let removedAll = true;
      for (const name of mount.volumes) {
        try {
          await this.remove(name);
        } catch (err) {
          removedAll = false;
          const reason = statusOf(err) === 409 ? 'in use by a running step' : (err as Error).message;
          result.kept.push({ id: mount.id, reason });
        }
      }
      if (removedAll) {
        result.removed.push(mount.id);
        result.reclaimedBytes += mount.sizeBytes ?? 0;
      }
    }
    return result;
  }

  /** Volume sizes from the engine's disk usage report (one call; undefined when it fails). */
  private async sizes(): Promise<Map<string, number> | undefined> {
    try {
      const df = (await this.docker.df()) as { Volumes?: { Name: string; UsageData?: { Size: number } | null }[] | null };
      return new Map((df.Volumes ?? []).map((v) => [v.Name, v.UsageData?.Size ?? -1]));
    } catch {
      return undefined;
    }
  }

  private async volumesInUse(): Promise<Set<string>> {
    const containers = await this.docker.listContainers({ all: true });
    return new Set(containers.flatMap((c) => (c.Mounts ?? []).flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : []))));
  }

  private async lastUsedTimes(): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    if (!this.usageDir) return times;
    let names: string[];
    try {
      names = await readdir(this.usageDir);
    } catch {
      return times;
    }
    for (const name of names) {
      const value = Number(await readFile(join(this.usageDir, name), 'utf8').catch(() => ''));
      if (Number.isFinite(value) && value > 0) times.set(name, value);
    }
    return times;
  }
}

/**
 * Scratch volumes of steps whose process is gone (`isAlive` judges the owner label); their
 * containers are removed first by the sweep, so none holds them. Cache volumes are never swept.
 */
export async function sweepScratchVolumes(docker: Docker, isAlive: (owner: string | undefined) => boolean): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [SCRATCH_LABEL] } });
  const removed: string[] = [];
  for (const volume of Volumes ?? []) {
    if (isAlive(volume.Labels?.[OWNER_LABEL])) continue;
    await docker.getVolume(volume.Name).remove().then(() => removed.push(volume.Name), () => {});
  }
  return removed;
}
