/** Comparing two builds step by step: lined up by instruction, changes named, stages by name. */
import { describe, expect, it } from 'vitest';
import type { BuildGraph, GraphStep } from '../../shared/graph';
import { compareBuilds, type ComparedBuild, type StepFacts } from '../../shared/history-compare';

/** A build of one stage per entry: `{ stageName: [instruction, facts][] }`. */
function buildOf(stages: Record<string, [string, StepFacts][]>): ComparedBuild {
  const graph: BuildGraph = { stages: [], steps: [], edges: [], target: 0, targets: [], buildArgs: [] };
  const steps: Record<string, StepFacts> = {};
  Object.entries(stages).forEach(([name, list], index) => {
    const ids = list.map((_, i) => `${name}:${i + 1}`);
    graph.stages.push({ index, key: name, name, base: { kind: 'scratch' }, range: { start: 1, end: 1 }, stepIds: ids });
    list.forEach(([text, facts], i) => {
      const step: GraphStep = { id: ids[i]!, stage: index, position: i + 1, kind: 'RUN', name: text, text, range: { start: i + 1, end: i + 1 }, dependsOn: [] };
      graph.steps.push(step);
      steps[step.id] = facts;
    });
  });
  return { graph, steps };
}

const built = (imageId: string, durationMs = 100): StepFacts => ({ status: 'done', imageId, durationMs, cache: { hit: false, reason: 'new' } });
const cached = (imageId: string, durationMs = 1): StepFacts => ({ status: 'cached', imageId, durationMs, cache: { hit: true, reason: 'same' } });

const summary = (before: ComparedBuild, after: ComparedBuild) =>
  compareBuilds(before, after).rows.map((r) => [r.stage, r.before?.step.text ?? '-', r.after?.step.text ?? '-', r.changes.join(',') || 'same']);

describe('compareBuilds', () => {
  it('the same build twice, all from the cache the second time: cache changes, images the same', () => {
    const first = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', built('i1', 900)], ['RUN b', built('i2')]] });
    const second = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', cached('i1', 2)], ['RUN b', cached('i2')]] });
    const result = compareBuilds(first, second);
    expect(summary(first, second)).toEqual([
      ['app', 'FROM x', 'FROM x', 'same'],
      ['app', 'RUN a', 'RUN a', 'cache'],
      ['app', 'RUN b', 'RUN b', 'cache'],
    ]);
    expect(result.changed).toBe(2);
    expect(result.rows[1]!.durationDeltaMs).toBe(-898);
  });

  it('an edited instruction: that row changed, the later one rebuilt with a new image', () => {
    const first = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', built('i1')], ['RUN b', built('i2')]] });
    const second = buildOf({ app: [['FROM x', cached('i0')], ['RUN a2', built('j1')], ['RUN b', built('j2')]] });
    expect(summary(first, second)).toEqual([
      ['app', 'FROM x', 'FROM x', 'same'],
      ['app', 'RUN a', 'RUN a2', 'instruction,image'],
      ['app', 'RUN b', 'RUN b', 'image'],
    ]);
  });

  it('an inserted step is one added row, the steps around it stay lined up', () => {
    const first = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', built('i1')], ['RUN b', built('i2')]] });
    const second = buildOf({ app: [['FROM x', cached('i0')], ['RUN new', built('n')], ['RUN a', built('i1')], ['RUN b', built('i2')]] });
    expect(summary(first, second)).toEqual([
      ['app', 'FROM x', 'FROM x', 'same'],
      ['app', '-', 'RUN new', 'added'],
      ['app', 'RUN a', 'RUN a', 'same'],
      ['app', 'RUN b', 'RUN b', 'same'],
    ]);
    expect(summary(second, first).map((r) => r[3])).toEqual(['same', 'removed', 'same', 'same']);
  });

  it('a failed step against a done one, and steps never reached', () => {
    const first = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', { status: 'failed', durationMs: 5 }], ['RUN b', { status: 'cancelled' }]] });
    const second = buildOf({ app: [['FROM x', cached('i0')], ['RUN a', built('i1')], ['RUN b', built('i2')]] });
    expect(summary(first, second).map((r) => r[3])).toEqual(['same', 'status', 'status']);
  });

  it('stages matched by name; a stage only one build has is added or removed whole', () => {
    const first = buildOf({ base: [['FROM x', cached('i0')]], old: [['FROM base', cached('i0')], ['RUN o', built('o1')]] });
    const second = buildOf({ base: [['FROM x', cached('i0')]], fresh: [['FROM base', cached('i0')]] });
    expect(summary(first, second)).toEqual([
      ['base', 'FROM x', 'FROM x', 'same'],
      ['fresh', '-', 'FROM base', 'added'],
      ['old', 'FROM base', '-', 'removed'],
      ['old', 'RUN o', '-', 'removed'],
    ]);
  });

  it('a build without a graph (stopped before its first step) has no rows of its own', () => {
    const second = buildOf({ app: [['FROM x', cached('i0')]] });
    expect(summary({ steps: {} }, second)).toEqual([['app', '-', 'FROM x', 'added']]);
    expect(compareBuilds({ steps: {} }, { steps: {} })).toEqual({ rows: [], changed: 0 });
  });
});
