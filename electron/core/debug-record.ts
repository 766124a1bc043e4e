/**
 * What inspecting a build needs to know about it, learnt from its events alone (pure): the state
 * each step starts from, where it waits now, and the container a failed step stopped in.
 */
import type { PauseReason } from '../../shared/debug';
import type { BuildEvent } from '../../shared/events';
import type { BuildGraph } from '../../shared/graph';

export interface Pause {
  reason: PauseReason;
  imageId: string;
  containerId?: string;
}

export class DebugRecord {
  private graph: BuildGraph | undefined;
  /** The image each finished step left (the next step of its stage starts from it). */
  private readonly images = new Map<string, string>();
  /** The last pause of each step, and whether it still waits there. */
  private readonly pauses = new Map<string, Pause>();
  private readonly waiting = new Set<string>();
  /** The last container each step ran. */
  private readonly containers = new Map<string, string>();
  private readonly failed = new Set<string>();
  finished = false;

  observe(event: BuildEvent): void {
    switch (event.type) {
      case 'build-started':
        this.graph = event.graph;
        break;
      case 'step-container':
        this.containers.set(event.stepId, event.containerId);
        break;
      case 'step-paused':
        this.pauses.set(event.stepId, { reason: event.reason, imageId: event.imageId, ...(event.containerId ? { containerId: event.containerId } : {}) });
        this.waiting.add(event.stepId);
        break;
      case 'step-resumed':
        this.waiting.delete(event.stepId);
        break;
      case 'step-done':
        this.images.set(event.stepId, event.imageId);
        break;
      case 'step-failed':
        this.failed.add(event.stepId);
        break;
      case 'build-finished':
        this.finished = true;
        break;
    }
  }

  /** The step waits now: how it paused. */
  waitingAt(stepId: string): Pause | undefined {
    return this.waiting.has(stepId) ? this.pauses.get(stepId) : undefined;
  }

  /**
   * The image the step starts from: what its pause said, else the image the step before it in
   * its stage left. '' for an empty scratch stage; undefined when not known (yet).
   */
  startsFrom(stepId: string): string | undefined {
    const paused = this.pauses.get(stepId);
    if (paused) return paused.imageId;
    const stage = this.graph?.stages.find((s) => s.stepIds.includes(stepId));
    const index = stage ? stage.stepIds.indexOf(stepId) : -1;
    return index > 0 ? this.images.get(stage!.stepIds[index - 1]!) : undefined;
  }

  /** The container the step failed in: while it waits at its failure, or after it failed. */
  failedContainer(stepId: string): string | undefined {
    const paused = this.waitingAt(stepId);
    if (paused?.reason === 'failure') return paused.containerId;
    return this.failed.has(stepId) ? this.containers.get(stepId) : undefined;
  }

  /** Containers of failed steps that may have been kept (none is in use any more). */
  keptContainers(): string[] {
    return [...this.failed].flatMap((stepId) => {
      const id = this.containers.get(stepId);
      return id ? [id] : [];
    });
  }
}
