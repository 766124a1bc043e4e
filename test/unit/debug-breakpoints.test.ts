import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph, GraphStep } from '../../shared/graph';
import { Breakpoints, NOT_STEPPING, pauseReason, steppingFrom } from '../../electron/builder/breakpoints';
import { StepCancelled } from '../../electron/builder/executor';

const step = (stage: number, position: number): GraphStep => ({
  id: `s${stage}:${position}`,
  stage,
  position,
  kind: position === 1 ? 'FROM' : 'RUN',
  name: `[s${stage} ${position}/3] RUN x`,
  text: 'RUN x',
  range: { start: position, end: position },
  dependsOn: [],
});

/** Two stages of three steps each. */
const graph: BuildGraph = {
  stages: [0, 1].map((index) => ({ index, key: `s${index}`, base: { kind: 'scratch' }, range: { start: 1, end: 3 }, stepIds: [1, 2, 3].map((p) => `s${index}:${p}`) })),
  steps: [0, 1].flatMap((stage) => [1, 2, 3].map((p) => step(stage, p))),
  edges: [],
  target: 1,
  targets: [],
  buildArgs: [],
};

type Emitted = BuildEvent extends infer E ? (E extends BuildEvent ? Omit<E, 'buildId' | 'time'> : never) : never;

function harness(stepIds: string[] = [], breakOnFailure = false) {
  const events: Emitted[] = [];
  const controller = new AbortController();
  let cancelled = 0;
  const breakpoints = new Breakpoints(
    {
      emit: (event) => events.push(event as Emitted),
      cancel: () => {
        cancelled++;
        controller.abort();
      },
      graph: () => graph,
    },
    stepIds,
    breakOnFailure,
  );
  return { breakpoints, events, signal: controller.signal, controller, cancelled: () => cancelled };
}

/** Lets pending promise continuations run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('pause rules', () => {
  it('pauses at a breakpoint, or at any step of a stage being stepped', () => {
    expect(pauseReason(step(0, 2), new Set(['s0:2']), NOT_STEPPING)).toBe('breakpoint');
    expect(pauseReason(step(0, 2), new Set(), NOT_STEPPING)).toBeUndefined();
    expect(pauseReason(step(0, 3), new Set(), { stages: new Set([0]), any: false })).toBe('step');
    expect(pauseReason(step(1, 2), new Set(), { stages: new Set([0]), any: false })).toBeUndefined();
    expect(pauseReason(step(1, 2), new Set(), { stages: new Set(), any: true })).toBe('step');
  });

  it('steps within the stage, anywhere after its last step, and not on from a failure', () => {
    expect(steppingFrom([{ step: step(0, 2), reason: 'breakpoint' }], graph)).toEqual({ stages: new Set([0]), any: false });
    expect(steppingFrom([{ step: step(0, 3), reason: 'breakpoint' }], graph)).toEqual({ stages: new Set(), any: true });
    expect(steppingFrom([{ step: step(1, 2), reason: 'failure' }], graph)).toEqual({ stages: new Set(), any: false });
  });
});

describe('Breakpoints', () => {
  it('does not wait without a breakpoint', async () => {
    const { breakpoints, events, signal } = harness();
    await breakpoints.beforeStep(step(0, 2), 'sha256:a', false, signal);
    expect(events).toEqual([]);
    expect(breakpoints.resume('continue')).toBe(false);
  });

  it('waits at a breakpoint until continued, saying whether the step will come from the cache', async () => {
    const { breakpoints, events, signal } = harness(['s0:2']);
    let passed = false;
    const waiting = breakpoints.beforeStep(step(0, 2), 'sha256:parent', true, signal).then(() => (passed = true));
    await settle();
    expect(passed).toBe(false);
    expect(breakpoints.pausedSteps()).toEqual(['s0:2']);
    expect(events).toEqual([{ type: 'step-paused', stepId: 's0:2', reason: 'breakpoint', imageId: 'sha256:parent', cached: true }]);
    expect(breakpoints.resume('continue')).toBe(true);
    await waiting;
    expect(passed).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'step-resumed', stepId: 's0:2', mode: 'continue' });
    // Continue does not stop at the next step.
    await breakpoints.beforeStep(step(0, 3), 'sha256:b', false, signal);
    expect(breakpoints.pausedSteps()).toEqual([]);
  });

  it('step pauses at the next step of the same stage, not at another stage\'s', async () => {
    const { breakpoints, events, signal } = harness(['s0:2']);
    const first = breakpoints.beforeStep(step(0, 2), 'sha256:a', false, signal);
    await settle();
    breakpoints.resume('step');
    await first;
    await breakpoints.beforeStep(step(1, 2), 'sha256:x', false, signal);
    const next = breakpoints.beforeStep(step(0, 3), 'sha256:b', false, signal);
    await settle();
    expect(breakpoints.pausedSteps()).toEqual(['s0:3']);
    expect(events.flatMap((e) => (e.type === 'step-paused' ? [[e.stepId, e.reason]] : []))).toEqual([
      ['s0:2', 'breakpoint'],
      ['s0:3', 'step'],
    ]);
    breakpoints.resume('continue');
    await next;
  });

  it('abort cancels the build and the waiting step', async () => {
    const { breakpoints, events, signal, cancelled } = harness(['s0:2']);
    const waiting = breakpoints.beforeStep(step(0, 2), 'sha256:a', false, signal);
    await settle();
    breakpoints.resume('abort');
    await expect(waiting).rejects.toBeInstanceOf(StepCancelled);
    expect(cancelled()).toBe(1);
    expect(signal.aborted).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'step-resumed', stepId: 's0:2', mode: 'abort' });
  });

  it('a cancelled build (or killed step) ends the pause', async () => {
    const { breakpoints, events, signal, controller } = harness(['s0:2']);
    const waiting = breakpoints.beforeStep(step(0, 2), 'sha256:a', false, signal);
    await settle();
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(StepCancelled);
    expect(events.at(-1)).toEqual({ type: 'step-resumed', stepId: 's0:2', mode: 'cancelled' });
    expect(breakpoints.pausedSteps()).toEqual([]);
  });

  it('breaks on failure only when asked, with the failed container', async () => {
    const off = harness();
    await off.breakpoints.atFailure(step(0, 2), 'sha256:a', 'c0ffee', off.signal);
    expect(off.events).toEqual([]);

    const { breakpoints, events, signal } = harness([], true);
    const waiting = breakpoints.atFailure(step(0, 2), 'sha256:a', 'c0ffee', signal);
    await settle();
    expect(events).toEqual([{ type: 'step-paused', stepId: 's0:2', reason: 'failure', imageId: 'sha256:a', containerId: 'c0ffee' }]);
    breakpoints.resume('step');
    // The failure goes on (the caller rethrows); stepping from a failure waits nowhere.
    await waiting;
    await breakpoints.beforeStep(step(1, 2), 'sha256:x', false, signal);
    expect(breakpoints.pausedSteps()).toEqual([]);
  });

  it('takes new breakpoints while the build runs, and says so', async () => {
    const { breakpoints, events, signal } = harness();
    breakpoints.set(['s1:3'], true);
    expect(events).toEqual([{ type: 'build-breakpoints', stepIds: ['s1:3'], breakOnFailure: true }]);
    const waiting = breakpoints.beforeStep(step(1, 3), '', false, signal);
    await settle();
    expect(breakpoints.pausedSteps()).toEqual(['s1:3']);
    breakpoints.resume('continue');
    await waiting;
  });
});
