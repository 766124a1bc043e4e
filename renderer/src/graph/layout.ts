/**
 * Where each stage and step goes. A stage's steps are a chain (each follows the one before), so
 * inside a stage they stack top-down; elkjs (layered) places the stages left to right by what
 * they read (FROM <stage>, COPY --from, RUN --mount from). Computed once per graph shape and
 * cached: build events change node states, never the layout.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { BuildGraph, EdgeKind, GraphStage, GraphStep } from '../../../shared/graph';

export const STEP_WIDTH = 260;
export const STEP_HEIGHT = 62;
export const STEP_GAP = 14;
export const STAGE_PAD_X = 12;
export const STAGE_HEADER = 40;
export const STAGE_PAD_BOTTOM = 12;

export interface StagePlacement {
  stage: GraphStage;
  x: number;
  y: number;
  width: number;
  height: number;
  isTarget: boolean;
}

export interface StepPlacement {
  step: GraphStep;
  /** Relative to its stage. */
  x: number;
  y: number;
}

export interface EdgePlacement {
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** Between stages rather than down a stage. */
  crossStage: boolean;
  /** Into the first step of its stage (a FROM <stage>). */
  intoFirst: boolean;
}

export type Direction = 'RIGHT' | 'DOWN';

export interface GraphLayout {
  key: string;
  /** How stages follow each other: left to right, or top down (whichever fits a screen better). */
  direction: Direction;
  stages: StagePlacement[];
  steps: StepPlacement[];
  edges: EdgePlacement[];
  width: number;
  height: number;
}

/** elkjs is most of the bundle: loaded on the first layout, so the window paints without it. */
let elk: Promise<ELK> | undefined;
const loadElk = () => (elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ElkBundled }) => new ElkBundled()));

/** Same steps and edges, same layout: the cache key. */
export function graphKey(graph: BuildGraph): string {
  return JSON.stringify([graph.target, graph.stages.map((s) => [s.key, s.stepIds]), graph.steps.map((s) => s.name), graph.edges]);
}

const cache = new Map<string, Promise<GraphLayout>>();
/** How many layouts were computed (the graph view shows it as data-layouts, for tests). */
export let layoutRuns = 0;

export function layoutGraph(graph: BuildGraph): Promise<GraphLayout> {
  const key = graphKey(graph);
  let layout = cache.get(key);
  if (!layout) {
    layout = computeLayout(graph, key);
    cache.set(key, layout);
    layout.catch(() => cache.delete(key));
    // A handful of recent graphs is plenty (outline, a build, its retry).
    if (cache.size > 8) cache.delete(cache.keys().next().value!);
  }
  return layout;
}

function stageSize(stage: GraphStage): { width: number; height: number } {
  const n = stage.stepIds.length;
  return {
    width: STEP_WIDTH + 2 * STAGE_PAD_X,
    height: STAGE_HEADER + n * STEP_HEIGHT + Math.max(0, n - 1) * STEP_GAP + STAGE_PAD_BOTTOM,
  };
}

async function computeLayout(graph: BuildGraph, key: string): Promise<GraphLayout> {
  layoutRuns++;
  const stepById = new Map(graph.steps.map((s) => [s.id, s]));
  const stageOf = (stepId: string) => stepById.get(stepId)?.stage;

  // Stage-level edges for elk: one per pair of stages that has any step edge between them.
  const stageEdges = new Map<string, ElkExtendedEdge>();
  for (const edge of graph.edges) {
    const a = stageOf(edge.from);
    const b = stageOf(edge.to);
    if (a === undefined || b === undefined || a === b) continue;
    const id = `${a}->${b}`;
    if (!stageEdges.has(id)) stageEdges.set(id, { id, sources: [`stage-${a}`], targets: [`stage-${b}`] });
  }

  const layout = (direction: Direction): Promise<ElkNode> =>
    loadElk().then((engine) => engine.layout<ElkNode>({
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': direction,
        'elk.layered.spacing.nodeNodeBetweenLayers': direction === 'RIGHT' ? '70' : '56',
        'elk.spacing.nodeNode': direction === 'RIGHT' ? '36' : '40',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        'elk.padding': '[top=0,left=0,bottom=0,right=0]',
      },
      children: graph.stages.map((stage) => ({ id: `stage-${stage.index}`, ...stageSize(stage) })),
      edges: [...stageEdges.values()],
    }));
  // Stages side by side suit few of them; many parallel stages stack better top-down. Pick the
  // one that shows bigger on a 16:10 screen (fixed, so a graph always gets the same layout).
  const scale = (r: ElkNode) => Math.min(1600 / Math.max(1, r.width ?? 1), 1000 / Math.max(1, r.height ?? 1));
  const right = await layout('RIGHT');
  const down = graph.stages.length > 2 ? await layout('DOWN') : undefined;
  const direction: Direction = down && scale(down) > scale(right) * 1.15 ? 'DOWN' : 'RIGHT';
  const result = direction === 'DOWN' ? down! : right;
  const position = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));

  const stages: StagePlacement[] = graph.stages.map((stage) => ({
    stage,
    ...(position.get(`stage-${stage.index}`) ?? { x: 0, y: 0 }),
    ...stageSize(stage),
    isTarget: stage.index === graph.target,
  }));
  const steps: StepPlacement[] = [];
  for (const stage of graph.stages) {
    stage.stepIds.forEach((id, i) => {
      const step = stepById.get(id);
      if (step) steps.push({ step, x: STAGE_PAD_X, y: STAGE_HEADER + i * (STEP_HEIGHT + STEP_GAP) });
    });
  }
  const edges: EdgePlacement[] = graph.edges.map((e) => ({
    id: `${e.kind}:${e.from}->${e.to}`,
    from: e.from,
    to: e.to,
    kind: e.kind,
    crossStage: stageOf(e.from) !== stageOf(e.to),
    intoFirst: stepById.get(e.to)?.position === 1,
  }));
  return { key, direction, stages, steps, edges, width: result.width ?? 0, height: result.height ?? 0 };
}
