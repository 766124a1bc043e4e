/**
 * Leftovers of builds that died (kill -9, a crash, a power cut): every container Slipway makes
 * carries an owner label naming its host and process; containers whose process on this host is
 * gone are removed, with their anonymous volumes, when Slipway starts. The label, not a file in
 * Slipway's home, decides: two Slipways with different homes never sweep each other's builds.
 */
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { BUILD_LABEL, OWNER_LABEL } from '../docker/containers';
import { sweepScratchVolumes } from '../docker/volumes';
import { sweepDebugImages } from './debug-sweep';

export function isAliveOwner(owner: string | undefined): boolean {
  const slash = owner?.lastIndexOf('/') ?? -1;
  if (!owner || slash < 0) return false;
  // Another machine's process (a shared remote engine) is not ours to judge.
  if (owner.slice(0, slash) !== hostname()) return true;
  const pid = Number(owner.slice(slash + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes containers of dead builds (then debug images, debug-sweep.ts); returns their names (the images' ids). */
export async function sweepLeftovers(docker: Docker): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [BUILD_LABEL] } });
  const removed: string[] = [];
  for (const container of containers) {
    if (isAliveOwner(container.Labels[OWNER_LABEL])) continue;
    await docker.getContainer(container.Id).remove({ force: true, v: true }).catch(() => {});
    removed.push(container.Names[0]?.replace(/^\//, '') ?? container.Id);
  }
  removed.push(...(await sweepDebugImages(docker)));
  removed.push(...(await sweepScratchVolumes(docker, isAliveOwner)));
  return removed;
}
