/**
 * Commits a RUN that had mounts: as any step (the exact config, the probe as container config),
 * then without the mount points the engine created, and recorded in the cache under the keyed
 * probe (mounts included) while the image keeps the classic probe.
 */
import { startLayerCapture } from '../layers';
import type { RunConfig } from '../image/config';
import type { StepContext } from '../step-context';
import { runMountBackend } from './prepare';
import { stubsToRemove } from './mount-stubs';
import type { KeyedProbe } from './run-key';

export async function commitRunContainer(
  ctx: StepContext,
  containerId: string,
  container: { image: string; cmd: string[] | null },
  probe: RunConfig,
  keyed: KeyedProbe,
  missing: readonly string[],
): Promise<void> {
  const { state, services } = ctx;
  const { images, containers } = services.backend;
  const parentId = state.imageId;
  const stubs = missing.length ? stubsToRemove(missing, await containers.changes(containerId)) : new Set<string>();
  const layer = startLayerCapture(ctx, containerId);
  let image = await images.commit(containerId, {
    config: state.config,
    containerConfig: probe,
    author: state.maintainer,
    parent: container.image,
    containerCmd: container.cmd,
  });
  const baseLayers = (await images.findImage(container.image))?.diffIds.length ?? 0;
  if (stubs.size && image.diffIds.length > baseLayers) {
    const file = await images.imageConfigFile(image.id);
    const edited = await runMountBackend(ctx).layers.dropFromTopLayer(image.id, file, container.image, (path) => stubs.has(path));
    await images.removeImage(image.id);
    image = edited;
  }
  await layer?.finish(container.image, image);
  await services.cache.record({ parent: parentId || `scratch:${state.os}`, probe: keyed, imageId: image.id, step: ctx.step.text });
  state.imageId = image.id;
}
