/**
 * What each `type=bind` mount reads, found before the cache is asked (its content is part of
 * the key): a path of the build context (after .dockerignore, as BuildKit's context source), or
 * of a stage's result or an image (`from=`).
 */
import { DockerfileError } from '../errors';
import { containsWildcards, type ContextEntry } from '../context';
import type { Image } from '../backend';
import type { StepContext } from '../step-context';
import type { BindMountPlan, MountPlan } from './mount-plan';

export type BindSource =
  | { kind: 'context'; entry: ContextEntry; digest: string }
  | { kind: 'image'; imageId: string; name: string };

export async function resolveBindSources(ctx: StepContext, plans: readonly MountPlan[]): Promise<Map<number, BindSource>> {
  const out = new Map<number, BindSource>();
  for (const [i, plan] of plans.entries()) {
    if (plan.kind !== 'bind') continue;
    out.set(i, plan.from === undefined ? await fromContext(ctx, plan) : await fromImage(ctx, plan, plan.from));
  }
  return out;
}

/** The digest a bind source adds to the cache key. */
export function bindDigest(source: BindSource): string {
  return source.kind === 'context' ? `context:${source.digest}` : `${source.name}@${source.imageId}`;
}

async function fromContext(ctx: StepContext, plan: BindMountPlan): Promise<BindSource> {
  const path = plan.source === '/' ? '.' : plan.source.slice(1);
  if (containsWildcards(path)) {
    throw new DockerfileError(`bind mount source "${plan.source}" has wildcard characters, which Slipway cannot mount`, ctx.command.range);
  }
  let entries: ContextEntry[];
  try {
    entries = await ctx.services.context.resolve(path);
  } catch (err) {
    throw new DockerfileError(`failed to mount ${plan.source} from the build context: ${(err as Error).message}`, ctx.command.range);
  }
  const entry = entries[0];
  if (!entry || entries.length !== 1) throw new DockerfileError(`failed to mount ${plan.source}: not found in the build context`, ctx.command.range);
  return { kind: 'context', entry, digest: await ctx.services.context.hash(entry) };
}

/** A stage (by name or index, already finished: the session waits for it) or an image, pulled if need be. */
async function fromImage(ctx: StepContext, plan: BindMountPlan, from: string): Promise<BindSource> {
  const { services } = ctx;
  const index = services.stageIndex(from);
  let image: Image | undefined;
  if (index !== undefined) {
    if (index === ctx.step.stage) throw new DockerfileError(`invalid mount from "${from}": refers to the current build stage`, ctx.command.range);
    image = await services.stageImage(index);
    if (!image.id) throw new DockerfileError(`cannot mount from stage "${from}": it made no image (an empty scratch stage)`, ctx.command.range);
  } else {
    image = await services.backend.images.findImage(from);
    if (!image) {
      try {
        await services.backend.images.pullImage(from, () => {}, ctx.signal);
      } catch (err) {
        throw new DockerfileError(`failed to mount ${plan.source} from ${from}: ${(err as Error).message}`, ctx.command.range);
      }
      image = await services.backend.images.findImage(from);
    }
    if (!image) throw new DockerfileError(`failed to mount ${plan.source} from ${from}: image not found`, ctx.command.range);
  }
  return { kind: 'image', imageId: image.id, name: from };
}
