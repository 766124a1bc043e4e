/**
 * One build's view of its layers: which image each step ended on (from the build's events),
 * the diff recorded for it, and the wasted space of every stage's image.
 */
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph, GraphStep, InstructionKind } from '../../shared/graph';
import type { ImageWaste, StepLayer } from '../../shared/layers';
import { NotFoundError } from './errors';
import { LayerStore } from './layers-store';
import { wastedSpace, type ChainLayer } from './layers-waste';

/** Instructions that commit a container, and so a layer with files. */
const LAYER_KINDS: ReadonlySet<InstructionKind> = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);
/** Wasted files sent per image: the largest ones (the total counts them all). */
const MAX_WASTE_FILES = 300;

export class BuildLayers {
  private graph: BuildGraph | undefined;
  private readonly done = new Map<string, { imageId: string; cached: boolean }>();
  /** The image each FROM step started from: unless ONBUILD triggers ran, it is also where it ended. */
  private readonly bases = new Map<string, string>();

  constructor(private readonly store: LayerStore) {}

  observe(event: BuildEvent): void {
    if (event.type === 'build-started') this.graph = event.graph;
    else if (event.type === 'step-started' && event.baseImage) this.bases.set(event.stepId, event.baseImage);
    else if (event.type === 'step-done') this.done.set(event.stepId, { imageId: event.imageId, cached: event.cached });
  }

  async step(stepId: string): Promise<StepLayer> {
    const step = this.graph?.steps.find((s) => s.id === stepId);
    if (!step) throw new NotFoundError(`no step ${stepId} in this build`);
    const done = this.done.get(stepId);
    if (!done?.imageId) return { available: false, reason: 'The step has not committed a layer: its diff appears once it does.' };
    const record = this.ownImage(step) ? await this.store.load(done.imageId) : undefined;
    if (record) return { available: true, source: done.cached ? 'cache' : 'built', imageId: done.imageId, recordedAt: record.recordedAt, diff: record.diff };
    return { available: false, reason: unavailableReason(step, done.cached) };
  }

  /** Wasted space of each stage's image, the build's result first. */
  async waste(): Promise<ImageWaste[]> {
    const graph = this.graph;
    if (!graph) return [];
    const out: ImageWaste[] = [];
    for (const stage of graph.stages) {
      const layers: ChainLayer[] = [];
      const unknownSteps: string[] = [];
      for (const step of chainOf(graph, stage.index)) {
        const done = this.done.get(step.id);
        if (!done?.imageId || !this.ownImage(step)) continue;
        const record = await this.store.load(done.imageId);
        if (record) layers.push({ stepId: step.id, entries: record.diff.entries });
        else if (LAYER_KINDS.has(step.kind)) unknownSteps.push(step.id);
      }
      const { total, files } = wastedSpace(layers);
      out.push({
        stage: stage.index,
        stageKey: stage.key,
        target: stage.index === graph.target,
        total,
        files: files.slice(0, MAX_WASTE_FILES),
        more: Math.max(0, files.length - MAX_WASTE_FILES),
        unknownSteps,
      });
    }
    return out.sort((a, b) => Number(b.target) - Number(a.target) || a.stage - b.stage);
  }

  /** False for a FROM that ended on its base image (whose diff, if any, is another step's). */
  private ownImage(step: GraphStep): boolean {
    return step.kind !== 'FROM' || this.done.get(step.id)?.imageId !== this.bases.get(step.id);
  }
}

/** The steps whose layers make up a stage's image: those of the stages it is FROM, then its own. */
export function chainOf(graph: BuildGraph, stageIndex: number): GraphStep[] {
  const stages: number[] = [];
  for (let index: number | undefined = stageIndex; index !== undefined && !stages.includes(index); ) {
    stages.unshift(index);
    const base = graph.stages.find((s) => s.index === index)?.base;
    index = base?.kind === 'stage' ? base.stage : undefined;
  }
  const byId = new Map(graph.steps.map((s) => [s.id, s]));
  return stages.flatMap((i) => (graph.stages.find((s) => s.index === i)?.stepIds ?? []).map((id) => byId.get(id)!).filter(Boolean));
}

function unavailableReason(step: GraphStep, cached: boolean): string {
  if (cached && LAYER_KINDS.has(step.kind)) return 'Not available for this cached step: its diff was not recorded when the image was built.';
  if (step.kind === 'FROM') return 'A FROM step adds no layer of its own: it starts from the base image.';
  if (!LAYER_KINDS.has(step.kind)) return `${step.kind} changes only the image's config: it adds no files.`;
  return 'No diff was recorded for this step.';
}

/** The layers of every build a manager knows: followed live, or read back from a build's events. */
export class LayerViews {
  readonly store: LayerStore;
  private readonly builds = new Map<string, Promise<BuildLayers>>();

  constructor(dir: string) {
    this.store = new LayerStore(dir);
  }

  /** A build starting now: feed it the build's events. */
  track(buildId: string): BuildLayers {
    const layers = new BuildLayers(this.store);
    this.builds.set(buildId, Promise.resolve(layers));
    return layers;
  }

  /** Any build: one followed live, or one of an earlier process, replayed from `readEvents`. */
  of(buildId: string, readEvents: () => Promise<BuildEvent[]>): Promise<BuildLayers> {
    let layers = this.builds.get(buildId);
    if (!layers) {
      layers = readEvents().then((events) => {
        const replayed = new BuildLayers(this.store);
        events.forEach((e) => replayed.observe(e));
        return replayed;
      });
      // A failed read (no such build) is not remembered.
      layers.catch(() => this.builds.delete(buildId));
      this.builds.set(buildId, layers);
    }
    return layers;
  }
}
