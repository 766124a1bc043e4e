/**
 * Debug images (a failed step's state, committed to run a shell in) left by a Slipway that died
 * before it could remove them: by their debug label and owner, like the step containers. Run it
 * after the containers' sweep (a debug container holds its image).
 */
import type Docker from 'dockerode';
import { OWNER_LABEL } from '../docker/containers';
import { DEBUG_LABEL } from '../docker/debug-containers';
import { isAliveOwner } from './owner';

/** Removes debug images of dead processes; returns their ids. */
export async function sweepDebugImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ all: true, filters: { label: [DEBUG_LABEL] } });
  const removed: string[] = [];
  for (const image of images) {
    if (isAliveOwner(image.Labels?.[OWNER_LABEL])) continue;
    await docker.getImage(image.Id).remove({ force: true }).then(
      () => removed.push(image.Id),
      () => {},
    );
  }
  return removed;
}
