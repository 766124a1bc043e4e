/**
 * Two builds side by side, step by step. Stages are matched by name (`AS x`, else `stage-N`);
 * within a stage, steps with the same instruction are lined up first (the longest common run),
 * and what is left between two lined-up steps is paired in order as an edited instruction —
 * so inserting a step shows one added row, not every later step as changed.
 */
import type { CacheDecision } from './events';
import type { BuildGraph, GraphStep } from './graph';

/** What a build's view knows of a step (the renderer's StepView has these fields). */
export interface StepFacts {
  status: string;
  durationMs?: number;
  imageId?: string;
  size?: number;
  cache?: CacheDecision;
}

export interface ComparedBuild {
  graph?: BuildGraph;
  steps: Readonly<Record<string, StepFacts>>;
}

export type StepChange =
  /** Only in the newer build. */
  | 'added'
  /** Only in the older build. */
  | 'removed'
  /** The instruction's text differs. */
  | 'instruction'
  /** One came from the cache, the other ran. */
  | 'cache'
  /** Both made an image, not the same one. */
  | 'image'
  /** They ended differently otherwise (failed, cancelled, not reached). */
  | 'status';

export interface ComparedStep {
  step: GraphStep;
  facts: StepFacts;
}

export interface StepComparison {
  /** The stage's name in the newer build (or the older, for a stage it no longer has). */
  stage: string;
  before?: ComparedStep;
  after?: ComparedStep;
  /** Empty: the same step with the same outcome. */
  changes: StepChange[];
  /** after − before, when both have a duration. */
  durationDeltaMs?: number;
}

export interface BuildComparison {
  rows: StepComparison[];
  /** Rows with at least one change. */
  changed: number;
}

const NOT_REACHED: StepFacts = Object.freeze({ status: 'pending' });

function stageSteps(build: ComparedBuild): Map<string, ComparedStep[]> {
  const out = new Map<string, ComparedStep[]>();
  const graph = build.graph;
  if (!graph) return out;
  for (const stage of graph.stages) {
    const steps = stage.stepIds
      .map((id) => graph.steps.find((s) => s.id === id))
      .filter((s): s is GraphStep => s !== undefined)
      .map((step) => ({ step, facts: build.steps[step.id] ?? NOT_REACHED }));
    out.set(stage.name ?? stage.key, steps);
  }
  return out;
}

/** Index pairs of the longest common subsequence of the two instruction lists. */
function commonRun(a: readonly string[], b: readonly string[]): [number, number][] {
  const table: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

const isCached = (f: StepFacts) => f.status === 'cached' || f.cache?.hit === true;
const made = (f: StepFacts) => f.status === 'cached' || f.status === 'done';

function changesOf(before: ComparedStep, after: ComparedStep): StepChange[] {
  const changes: StepChange[] = [];
  if (before.step.text !== after.step.text) changes.push('instruction');
  const [b, a] = [before.facts, after.facts];
  if (made(b) && made(a)) {
    if (isCached(b) !== isCached(a)) changes.push('cache');
    if (b.imageId && a.imageId && b.imageId !== a.imageId) changes.push('image');
  } else if (b.status !== a.status) changes.push('status');
  return changes;
}

function row(stage: string, before: ComparedStep | undefined, after: ComparedStep | undefined): StepComparison {
  const changes: StepChange[] = !before ? ['added'] : !after ? ['removed'] : changesOf(before, after);
  const delta =
    before?.facts.durationMs !== undefined && after?.facts.durationMs !== undefined ? after.facts.durationMs - before.facts.durationMs : undefined;
  return { stage, ...(before ? { before } : {}), ...(after ? { after } : {}), changes, ...(delta !== undefined ? { durationDeltaMs: delta } : {}) };
}

/** Rows of one stage: lined-up steps, and between them the rest paired in order. */
function compareStage(stage: string, before: ComparedStep[], after: ComparedStep[]): StepComparison[] {
  const rows: StepComparison[] = [];
  const anchors = [...commonRun(before.map((s) => s.step.text), after.map((s) => s.step.text)), [before.length, after.length] as [number, number]];
  let i = 0;
  let j = 0;
  for (const [ai, aj] of anchors) {
    while (i < ai && j < aj) rows.push(row(stage, before[i++], after[j++]));
    while (i < ai) rows.push(row(stage, before[i++], undefined));
    while (j < aj) rows.push(row(stage, undefined, after[j++]));
    if (ai < before.length && aj < after.length) rows.push(row(stage, before[i++], after[j++]));
  }
  return rows;
}

/** `before` is the older build. */
export function compareBuilds(before: ComparedBuild, after: ComparedBuild): BuildComparison {
  const left = stageSteps(before);
  const right = stageSteps(after);
  const rows: StepComparison[] = [];
  for (const [stage, steps] of right) rows.push(...compareStage(stage, left.get(stage) ?? [], steps));
  for (const [stage, steps] of left) if (!right.has(stage)) rows.push(...compareStage(stage, steps, []));
  return { rows, changed: rows.filter((r) => r.changes.length > 0).length };
}
