/**
 * The builder's internals shared by the dispatchers (moby's internals.go): probing the cache,
 * committing metadata steps, creating, running and committing containers, with every container
 * tracked so that nothing outlives the step that made it.
 */
import type { Image } from './backend';
import type { DispatchState } from './dispatch-state';
import { withChanges, type ImageConfigFile, type RunConfig } from './image/config';
import { startLayerCapture } from './layers';
import type { StepContext } from './step-context';
import type { LazySourceFiles } from './image-cache/source-files';

export class StepCancelled extends Error {
  constructor() {
    super('the step was cancelled');
  }
}

/** `[shell..., "#(nop) ", TEXT]`: the two-argument comment of metadata instructions. */
export function withCmdComment(state: DispatchState, comment: string): RunConfig {
  return withChanges(state.config, (c) => (c.Cmd = [...state.shell(), '#(nop) ', comment]));
}

/** `[shell..., "#(nop) TEXT"]`: the one-argument comment of WORKDIR, COPY and ADD. */
export function withCmdCommentString(state: DispatchState, comment: string): RunConfig {
  return withChanges(state.config, (c) => (c.Cmd = [...state.shell(), `#(nop) ${comment}`]));
}

/** Looks the step up in the cache; a hit moves the stage to the cached image. */
export async function probeCache(ctx: StepContext, probe: RunConfig, sources?: LazySourceFiles): Promise<boolean> {
  const { state, services, step } = ctx;
  // The state the step starts from: where a breakpoint's shell opens.
  const startsFrom = state.imageId;
  if (state.cacheBusted) {
    const diff = { kind: 'earlier-miss' as const, ...(state.cacheBustedBy ? { stepId: state.cacheBustedBy } : {}) };
    services.emit({ type: 'step-cache', stepId: step.id, decision: { hit: false, reason: 'an earlier step in this stage missed the cache', diff } });
    await services.breakpoints?.beforeStep(step, startsFrom, false, ctx.signal);
    return false;
  }
  const parent = state.imageId || `scratch:${state.os}`;
  const found = await services.cache.lookup(parent, probe, step.text, sources);
  services.emit({ type: 'step-cache', stepId: step.id, decision: found.decision });
  await services.breakpoints?.beforeStep(step, startsFrom, !!found.imageId, ctx.signal);
  if (found.imageId) {
    state.imageId = found.imageId;
    return true;
  }
  state.cacheBusted = true;
  state.cacheBustedBy = step.id;
  return false;
}

async function recordInCache(ctx: StepContext, parent: string, probe: RunConfig, image: Image, sources?: LazySourceFiles): Promise<void> {
  const files = await sources?.();
  await ctx.services.cache.record({ parent: parent || `scratch:${ctx.state.os}`, probe, imageId: image.id, step: ctx.step.text, ...(files ? { sources: files } : {}) });
}

/** The config file a child of the current image derives from (an empty one for scratch). */
export async function parentConfigFile(ctx: StepContext): Promise<ImageConfigFile> {
  const { state, services } = ctx;
  if (state.imageId) return services.backend.images.imageConfigFile(state.imageId);
  return { architecture: state.architecture, os: state.os, config: state.config, rootfs: { type: 'layers', diff_ids: [] }, history: [] };
}

/** A metadata step: the same layers, a new config; one image, no container. */
export async function commitMetadata(ctx: StepContext, comment: string): Promise<void> {
  const { state, services } = ctx;
  const probe = withCmdComment(state, comment);
  if (await probeCache(ctx, probe)) return;
  const parentId = state.imageId;
  const parent = await parentConfigFile(ctx);
  const created = new Date().toISOString();
  const author = state.maintainer;
  const file: ImageConfigFile = {
    ...parent,
    created,
    author: author || undefined,
    docker_version: services.engineVersion,
    container: undefined,
    container_config: probe,
    config: state.config,
    history: [
      ...(parent.history ?? []),
      { created, ...(author ? { author } : {}), created_by: (probe.Cmd ?? []).join(' '), empty_layer: true },
    ],
  };
  const image = await services.backend.images.createImage(file, parentId);
  await recordInCache(ctx, parentId, probe, image);
  state.imageId = image.id;
}

/**
 * The image containers start from: the current image, or for a scratch stage that has none yet,
 * an empty image made for the purpose.
 */
export async function containerBase(ctx: StepContext): Promise<string> {
  const { state, services } = ctx;
  if (state.imageId) return state.imageId;
  const empty = await services.backend.images.createImage(await parentConfigFile(ctx), '');
  return empty.id;
}

/** Creates a container for this step; it is removed by `withContainer`'s caller policy. */
export async function createStepContainer(ctx: StepContext, image: string, config: RunConfig, host?: Record<string, unknown>): Promise<string> {
  const { services, step } = ctx;
  const id = await services.backend.containers.createContainer({ image, config, owner: { buildId: services.buildId, stepId: step.id }, host });
  services.emit({ type: 'step-container', stepId: step.id, containerId: id });
  return id;
}

/**
 * Runs `work` with a new container and removes it afterwards: always with --force-rm or on
 * cancellation; after success unless --rm=false; after a failure unless the caller keeps
 * failed containers for debugging (or --rm=false).
 */
export async function withContainer<T>(
  ctx: StepContext,
  image: string,
  config: RunConfig,
  work: (containerId: string) => Promise<T>,
  host?: Record<string, unknown>,
): Promise<T> {
  const { services, signal } = ctx;
  if (signal.aborted) throw new StepCancelled();
  const id = await createStepContainer(ctx, image, config, host);
  const containers = services.backend.containers;
  const onAbort = () => void containers.kill(id).catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  let ok = false;
  try {
    const result = await work(id);
    ok = true;
    return result;
  } catch (err) {
    // Break on failure: the step waits here, its container as it stopped, before it goes.
    await services.breakpoints?.atFailure(ctx.step, ctx.state.imageId, id, signal);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    const keep = ok ? !services.remove : services.keepFailed || !services.remove;
    if (signal.aborted) await containers.remove(id);
    else if (services.forceRemove || !keep) services.janitor.later(() => containers.remove(id));
  }
}

/** Commits the step's container as the stage's next image, and records it in the cache. */
export async function commitContainer(
  ctx: StepContext,
  containerId: string,
  container: { image: string; cmd: string[] | null },
  probe: RunConfig,
  alwaysLayer = false,
  sources?: LazySourceFiles,
): Promise<void> {
  const { state, services } = ctx;
  const parentId = state.imageId;
  const layer = startLayerCapture(ctx, containerId);
  const image = await services.backend.images.commit(containerId, {
    config: state.config,
    containerConfig: probe,
    author: state.maintainer,
    parent: container.image,
    containerCmd: container.cmd,
    alwaysLayer,
  });
  await layer?.finish(container.image, image);
  await recordInCache(ctx, parentId, probe, image, sources);
  state.imageId = image.id;
}
