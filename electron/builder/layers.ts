/**
 * Layer diffs of committed steps, for the app's inspection views. A build opts in by giving a
 * sink (the CLI does not, and pays nothing): the diff is read while the engine commits the
 * container, saved whole through the sink, and announced by one small `step-layer` event.
 */
import type { LayerDiff } from '../../shared/layers';
import type { Image } from './backend';
import { readLayerDiff, type ReadDiff } from './layers-diff';
import type { StepContext } from './step-context';

/** A step's diff, kept by the image it produced (a later cache hit on that image finds it). */
export interface LayerRecord {
  imageId: string;
  buildId: string;
  stepId: string;
  recordedAt: number;
  diff: LayerDiff;
}

export interface LayerSink {
  save(record: LayerRecord): Promise<void>;
}

export interface LayerCapture {
  /** After the commit: sizes the layer, saves the diff, emits `step-layer`. Never throws. */
  finish(base: string, image: Image): Promise<void>;
}

/** Starts reading the container's changes (alongside the commit); undefined when not wanted. */
export function startLayerCapture(ctx: StepContext, containerId: string): LayerCapture | undefined {
  const { services, step } = ctx;
  const sink = services.layers;
  if (!sink) return undefined;
  // Settled here so that a commit that fails leaves no unhandled rejection behind.
  const reading: Promise<ReadDiff | Error> = readLayerDiff(services.backend.containers, containerId).catch((err: unknown) =>
    err instanceof Error ? err : new Error(String(err)),
  );
  return {
    async finish(base, image) {
      try {
        const read = await reading;
        if (read instanceof Error) throw read;
        const parent = await services.backend.images.findImage(base);
        const diff: LayerDiff = { ...read, layerSize: Math.max(0, image.size - (parent?.size ?? 0)) };
        await sink.save({ imageId: image.id, buildId: services.buildId, stepId: step.id, recordedAt: Date.now(), diff });
        const count = (kind: string) => diff.entries.filter((e) => e.kind === kind).length;
        services.emit({
          type: 'step-layer',
          stepId: step.id,
          imageId: image.id,
          layerSize: diff.layerSize,
          added: count('added'),
          modified: count('modified'),
          deleted: count('deleted'),
        });
      } catch (err) {
        // Inspection is a view on the build, never a reason for it to fail.
        if (ctx.signal.aborted) return;
        services.emit({ type: 'build-message', level: 'warning', text: `The layer diff of ${step.name} was not recorded: ${(err as Error).message}` });
      }
    },
  };
}
