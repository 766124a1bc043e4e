/**
 * The breakpoints of one build and its pauses. A step with a breakpoint waits after its cache
 * decision and before it runs (so a pause can say "this step will come from the cache"); with
 * break-on-failure, a step whose container failed waits before the container goes. A waiting
 * step keeps its place (and its concurrency slot) until the user resumes: continue, step (wait
 * again at the next step), or abort (cancel the build). Cancelling or killing ends a pause too.
 */
import type { PauseReason, ResumeMode } from '../../shared/debug';
import type { BuildGraph, GraphStep } from '../../shared/graph';
import { StepCancelled } from './executor';
import type { Emit } from './step-context';

/** What a 'step' resume waits for next: a step of these stages, or of any stage. */
export interface Stepping {
  stages: ReadonlySet<number>;
  any: boolean;
}

export const NOT_STEPPING: Stepping = { stages: new Set(), any: false };

/** Whether a step about to run waits, and why (the rules in one place, pure). */
export function pauseReason(step: Pick<GraphStep, 'id' | 'stage'>, breakpoints: ReadonlySet<string>, stepping: Stepping): PauseReason | undefined {
  if (breakpoints.has(step.id)) return 'breakpoint';
  if (stepping.any || stepping.stages.has(step.stage)) return 'step';
  return undefined;
}

/**
 * After 'step' at these pauses: wait at the next step of each one's stage, or at the next step of
 * any stage when a pause was at its stage's last step. A failed step's stage has no next step.
 */
export function steppingFrom(paused: readonly { step: Pick<GraphStep, 'id' | 'stage'>; reason: PauseReason }[], graph: BuildGraph | undefined): Stepping {
  const stages = new Set<number>();
  let any = false;
  for (const { step, reason } of paused) {
    if (reason === 'failure') continue;
    const stage = graph?.stages.find((s) => s.index === step.stage);
    if (!stage || stage.stepIds.at(-1) === step.id) any = true;
    else stages.add(step.stage);
  }
  return { stages, any };
}

export interface PauseHost {
  emit: Emit;
  /** Cancels the build (abort). */
  cancel(): void;
  graph(): BuildGraph | undefined;
}

interface Waiting {
  step: GraphStep;
  reason: PauseReason;
  release(mode: ResumeMode): void;
}

export class Breakpoints {
  private stepIds: Set<string>;
  private stepping: Stepping = NOT_STEPPING;
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly host: PauseHost,
    stepIds: readonly string[] = [],
    private breakOnFailure = false,
  ) {
    this.stepIds = new Set(stepIds);
  }

  /** Replaces the breakpoints while the build runs; a step already waiting keeps waiting. */
  set(stepIds: readonly string[], breakOnFailure: boolean): void {
    this.stepIds = new Set(stepIds);
    this.breakOnFailure = breakOnFailure;
    this.host.emit({ type: 'build-breakpoints', stepIds: [...this.stepIds], breakOnFailure });
  }

  /** Steps waiting now. */
  pausedSteps(): string[] {
    return [...this.waiting.keys()];
  }

  /** Ends every pause; false when nothing was waiting. */
  resume(mode: ResumeMode): boolean {
    if (this.waiting.size === 0) return false;
    const paused = [...this.waiting.values()];
    this.stepping = mode === 'step' ? steppingFrom(paused, this.host.graph()) : NOT_STEPPING;
    for (const w of paused) w.release(mode);
    // The released steps see the cancellation before they go on (their continuations run later).
    if (mode === 'abort') this.host.cancel();
    return true;
  }

  /** Before a step runs, after its cache decision: waits there if it should. */
  async beforeStep(step: GraphStep, startsFrom: string, cached: boolean, signal: AbortSignal): Promise<void> {
    const reason = pauseReason(step, this.stepIds, this.stepping);
    if (!reason) return;
    const mode = await this.pause(step, reason, { imageId: startsFrom, cached }, signal);
    if (mode === 'abort' || signal.aborted) throw new StepCancelled();
  }

  /** A step's container failed (it still exists): waits there with break-on-failure. */
  async atFailure(step: GraphStep, startsFrom: string, containerId: string, signal: AbortSignal): Promise<void> {
    if (!this.breakOnFailure || signal.aborted) return;
    await this.pause(step, 'failure', { imageId: startsFrom, containerId }, signal).catch((err: unknown) => {
      // Cancelled while waiting: the step still failed; the caller reports its own error.
      if (!(err instanceof StepCancelled)) throw err;
    });
  }

  private async pause(step: GraphStep, reason: PauseReason, at: { imageId: string; cached?: boolean; containerId?: string }, signal: AbortSignal): Promise<ResumeMode> {
    if (signal.aborted) throw new StepCancelled();
    // A pause is the step the user asked for: stepping is spent.
    this.stepping = NOT_STEPPING;
    let onAbort = () => {};
    const resumed = new Promise<ResumeMode>((resolve, reject) => {
      onAbort = () => reject(new StepCancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(step.id, { step, reason, release: resolve });
    });
    this.host.emit({ type: 'step-paused', stepId: step.id, reason, ...at });
    try {
      const mode = await resumed;
      this.host.emit({ type: 'step-resumed', stepId: step.id, mode });
      return mode;
    } catch (err) {
      this.host.emit({ type: 'step-resumed', stepId: step.id, mode: 'cancelled' });
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.waiting.delete(step.id);
    }
  }
}
