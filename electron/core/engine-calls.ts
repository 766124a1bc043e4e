/**
 * How each engine call of a build is guarded (engine-guard.ts): which are short (a time limit),
 * which are removals (done later when the engine is away), which wait for a container, and what
 * each does in words for "The Docker engine could not …". Calls not named here are still
 * watched: they fail when the engine stops answering.
 */
import type { DockerContainers } from '../docker/containers';
import type { Policies } from '../docker/engine-guard';
import type { DockerImages } from '../docker/images';
import type { DockerLayerRewriter } from '../docker/layer-rewrite';
import type { DockerVolumes } from '../docker/volumes';

export const IMAGE_CALLS: Policies<DockerImages> = {
  findImage: { quick: true, doing: 'inspect an image' },
  // Its failures already say what happened (from.ts words them): watched, not reworded.
  pullImage: {},
  imageConfigFile: { doing: "read an image's config" },
  createImage: { doing: "write the step's image" },
  commit: { doing: "commit the step's container" },
  tagImage: { quick: true, doing: 'tag the image' },
  removeImage: { quick: true, removal: 'image' },
};

export const CONTAINER_CALLS: Policies<DockerContainers> = {
  createContainer: { quick: true, doing: "create the step's container" },
  attach: { quick: true, doing: "attach to the step's container" },
  start: { quick: true, doing: "start the step's container" },
  wait: { exitCode: true },
  kill: { quick: true },
  remove: { quick: true, removal: 'container' },
  putArchive: { doing: "copy files into the step's container" },
  getArchive: { doing: 'read files from a container' },
  statPath: { quick: true },
  changes: { doing: "list the step's changes" },
  openShell: { quick: true },
};

export const VOLUME_CALLS: Policies<DockerVolumes> = {
  find: { quick: true },
  create: { quick: true, doing: 'create a volume' },
  createScratch: { quick: true, doing: "create the step's scratch volume" },
  mountpoint: { quick: true },
  remove: { quick: true, removal: 'volume' },
};

export const LAYER_CALLS: Policies<DockerLayerRewriter> = {
  dropFromTopLayer: { doing: "rewrite the step's layer" },
};
