import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph } from '../../shared/graph';
import { DebugRecord } from '../../electron/core/debug-record';

const graph = {
  stages: [{ index: 0, key: 'stage-0', base: { kind: 'image', ref: 'x' }, range: { start: 1, end: 3 }, stepIds: ['stage-0:1', 'stage-0:2', 'stage-0:3'] }],
  steps: [],
  edges: [],
  target: 0,
  targets: [],
  buildArgs: [],
} as BuildGraph;

const base = { buildId: 'b1', time: 1 };
const events: BuildEvent[] = [
  { ...base, type: 'build-started', graph, dockerfile: '/x/Dockerfile', context: '/x', tags: [] },
  { ...base, type: 'step-done', stepId: 'stage-0:1', imageId: 'sha256:base', cached: false, size: 1, durationMs: 1 },
  { ...base, type: 'step-done', stepId: 'stage-0:2', imageId: 'sha256:two', cached: true, size: 1, durationMs: 1 },
  { ...base, type: 'step-container', stepId: 'stage-0:3', containerId: 'c3' },
];

describe('DebugRecord', () => {
  it('knows the state a step starts from: its pause, else the step before it', () => {
    const record = new DebugRecord();
    events.forEach((e) => record.observe(e));
    expect(record.startsFrom('stage-0:2')).toBe('sha256:base');
    expect(record.startsFrom('stage-0:3')).toBe('sha256:two');
    expect(record.startsFrom('stage-0:1')).toBeUndefined();
    record.observe({ ...base, type: 'step-paused', stepId: 'stage-0:1', reason: 'breakpoint', imageId: '' });
    expect(record.startsFrom('stage-0:1')).toBe('');
  });

  it('finds the failed container while the step waits at its failure and after it failed', () => {
    const record = new DebugRecord();
    events.forEach((e) => record.observe(e));
    expect(record.failedContainer('stage-0:3')).toBeUndefined();
    record.observe({ ...base, type: 'step-paused', stepId: 'stage-0:3', reason: 'failure', imageId: 'sha256:two', containerId: 'c3' });
    expect(record.waitingAt('stage-0:3')?.reason).toBe('failure');
    expect(record.failedContainer('stage-0:3')).toBe('c3');
    expect(record.keptContainers()).toEqual([]);
    record.observe({ ...base, type: 'step-resumed', stepId: 'stage-0:3', mode: 'continue' });
    expect(record.waitingAt('stage-0:3')).toBeUndefined();
    record.observe({ ...base, type: 'step-failed', stepId: 'stage-0:3', error: { message: 'x', exitCode: 3 }, durationMs: 1 });
    expect(record.failedContainer('stage-0:3')).toBe('c3');
    expect(record.keptContainers()).toEqual(['c3']);
  });
});
