/**
 * Leftovers of builds that died (kill -9, a crash, a power cut): every container Slipway makes
 * carries an owner label naming its host and process; containers whose process on this host is
 * gone are removed, with their anonymous volumes, when Slipway starts; so are the images such a
 * build made and never finished (by label, and by the build's ledger in the home). The owner
 * label decides whose builds are dead, not a lock file in one home: two Slipways with different
 * homes never sweep each other's builds.
 */
import type Docker from 'dockerode';
import { BUILD_LABEL, OWNER_LABEL } from '../docker/containers';
import { sweepScratchVolumes } from '../docker/volumes';
import { DEBUG_LABEL } from '../docker/debug-containers';
import { ledgerDir, removeHalfMade, sweepLedgers } from '../docker/image-ledger';
import { sweepDebugImages } from './debug-sweep';
import { engineStateDir } from './engine-state';
import { isAliveOwner } from './owner';

/**
 * Removes what builds of dead processes left on this engine: containers (with their anonymous
 * volumes, and so their execs), then debug images (debug-sweep.ts), half-made commits, scratch
 * volumes, and — given the home — the images their ledgers name (image-ledger.ts). Returns the
 * containers' names, the images' ids and the volumes' names.
 */
export async function sweepLeftovers(docker: Docker, home?: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [BUILD_LABEL] } });
  const removed: string[] = [];
  for (const container of containers) {
    if (isAliveOwner(container.Labels[OWNER_LABEL])) continue;
    await docker.getContainer(container.Id).remove({ force: true, v: true }).catch(() => {});
    removed.push(container.Names[0]?.replace(/^\//, '') ?? container.Id);
  }
  removed.push(...(await sweepDebugImages(docker)));
  removed.push(...(await sweepCommittedImages(docker)));
  removed.push(...(await sweepScratchVolumes(docker, isAliveOwner)));
  if (home) removed.push(...(await sweepLedgers(docker, ledgerDir(await engineStateDir(docker, home)), isAliveOwner)));
  return removed;
}

/**
 * A step container's commit carries the container's labels until the builder writes the step's
 * exact image over the same layers and removes it; one still labelled, of a dead process, was
 * cut off in between. (Debug images carry the labels too: debug-sweep.ts has those.)
 */
async function sweepCommittedImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ all: true, filters: { label: [BUILD_LABEL] } });
  const removed: string[] = [];
  for (const image of images) {
    if (image.Labels?.[DEBUG_LABEL] !== undefined || isAliveOwner(image.Labels?.[OWNER_LABEL])) continue;
    if (await removeHalfMade(docker, image.Id).catch(() => false)) removed.push(image.Id);
  }
  return removed;
}
