import type { GraphStage } from '../../../shared/graph';
import type { Image } from '../backend';
import { DockerfileError } from '../errors';
import { emptyRunConfig } from '../image/config';
import type { BuildServices } from '../step-context';

export interface StageBase {
  imageId: string;
  config: Image['config'];
  os: string;
  architecture: string;
}

/**
 * FROM [--platform=p] image|stage|scratch [AS name]: the image a stage starts from. A stage
 * name resolves to that stage's result; other names are used if present locally, else pulled.
 */
export async function resolveStageBase(services: BuildServices, stage: GraphStage, signal: AbortSignal, log: (line: string) => void): Promise<StageBase> {
  const base = stage.base;
  if (base.kind === 'scratch') {
    return { imageId: '', config: emptyRunConfig(), os: 'linux', architecture: services.architecture };
  }
  if (base.kind === 'stage') return fromImage(await services.stageImage(base.stage));
  const images = services.backend.images;
  const local = await images.findImage(base.ref);
  if (local) return fromImage(local);
  log(`Pulling ${base.ref}\n`);
  try {
    await images.pullImage(base.ref, (line) => log(`${line}\n`), signal);
  } catch (err) {
    throw new DockerfileError(`pull access denied or image not found: ${base.ref}: ${(err as Error).message}`, stage.range);
  }
  const pulled = await images.findImage(base.ref);
  if (!pulled) throw new DockerfileError(`image ${base.ref} not found after pulling it`, stage.range);
  return fromImage(pulled);
}

const fromImage = (image: Image): StageBase => ({
  imageId: image.id,
  config: image.config ?? emptyRunConfig(),
  os: image.os,
  architecture: image.architecture,
});
