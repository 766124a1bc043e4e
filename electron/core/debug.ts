/**
 * Interactive inspection of this process's builds: breakpoints and resuming, shells in the state
 * a paused step starts from or a failed step started from (before) and stopped in (after), and
 * the files a failed step changed. Each such shell is an exec in a debug container; the failed
 * container's state becomes a debug image first. All of it — debug containers and images, and
 * the failed containers a break-on-failure build kept — goes when the user leaves (closes the
 * view or the build), when the build is deleted, and when Slipway quits; a start-up sweep
 * removes what a crash left.
 */
import type Docker from 'dockerode';
import type { BreakpointsRequest, DebugShellRequest, DebugTarget, ResumeRequest, StepDiff } from '../../shared/debug';
import type { BuildEvent } from '../../shared/events';
import type { Shell } from '../builder/backend';
import type { BuildSession } from '../builder/session';
import {
  commitDebugImage,
  sortedChanges,
  containerExists,
  removeContainer,
  removeDebugImage,
  startDebugContainer,
} from '../docker/debug-containers';
import { openShell } from '../docker/shells';
import { DebugRecord } from './debug-record';
import { NotFoundError } from './errors';

const NOT_KEPT = 'The failed container is gone: Slipway keeps it only with "Break on failure", until you leave the build.';

export interface DebugHost {
  /** The engine the build runs on. */
  docker(buildId: string): Docker;
  /** The running (or finished) session of a build of this process. */
  session(buildId: string): BuildSession | undefined;
  /** Makes an open shell one of the app's shells (input, resize, close, output events); its id. */
  adoptShell(shell: Shell): string;
}

/** The things one step's inspection made, each made once (concurrent opens share them). */
interface StepDebug {
  containers: Map<DebugTarget, Promise<string>>;
  afterImage?: Promise<string>;
  diff?: StepDiff;
}

export class DebugManager {
  private readonly records = new Map<string, DebugRecord>();
  private readonly made = new Map<string, Map<string, StepDebug>>();

  constructor(private readonly host: DebugHost) {}

  /** Every event of this process's builds passes here. */
  observe(event: BuildEvent): void {
    let record = this.records.get(event.buildId);
    if (!record) this.records.set(event.buildId, (record = new DebugRecord()));
    record.observe(event);
    // The pause is over: the state it showed is the past (the step runs, or the build stops).
    if (event.type === 'step-resumed') void this.removeTarget(event.buildId, event.stepId, 'paused');
  }

  setBreakpoints(request: BreakpointsRequest): void {
    const session = this.session(request.buildId);
    if (this.records.get(request.buildId)?.finished) throw new NotFoundError(`build ${request.buildId} has finished`);
    session.breakpoints.set(request.breakpoints, request.breakOnFailure);
  }

  resume(request: ResumeRequest): void {
    if (!this.session(request.buildId).breakpoints.resume(request.mode)) throw new NotFoundError(`build ${request.buildId} is not paused`);
  }

  /** A TTY `sh` in a debug container on the step's state; answers the shell's id. */
  async openShell(request: DebugShellRequest): Promise<string> {
    const { buildId, stepId, target } = request;
    const image = await this.imageFor(buildId, stepId, target);
    const debug = this.stepDebug(buildId, stepId);
    let container = debug.containers.get(target);
    if (!container) {
      container = startDebugContainer(this.host.docker(buildId), image, { buildId, stepId }, target);
      debug.containers.set(target, container);
      container.catch(() => debug.containers.delete(target));
    }
    const id = await container;
    const shell = await openShell(this.host.docker(buildId), id, { cols: request.cols, rows: request.rows });
    return this.host.adoptShell(shell);
  }

  /** What the failed step changed in its container's filesystem. */
  async diff(buildId: string, stepId: string): Promise<StepDiff> {
    const containerId = this.record(buildId).failedContainer(stepId);
    const debug = this.stepDebug(buildId, stepId);
    if (containerId && containerId === debug.diff?.containerId) return debug.diff;
    if (!containerId || !(await containerExists(this.host.docker(buildId), containerId))) {
      if (debug.diff) return debug.diff;
      throw new NotFoundError(NOT_KEPT);
    }
    debug.diff = { containerId, changes: await sortedChanges(this.host.docker(buildId), containerId) };
    return debug.diff;
  }

  /**
   * The user left: the step's view (its debug containers and images go), or without a step the
   * whole build (the failed containers it kept go too, once it no longer waits at them).
   */
  async close(buildId: string, stepId?: string): Promise<void> {
    const steps = this.made.get(buildId);
    const chosen = stepId ? [stepId] : [...(steps?.keys() ?? [])];
    await Promise.all(chosen.map((id) => this.removeStep(buildId, id)));
    if (stepId) return;
    const record = this.records.get(buildId);
    if (record) await Promise.all(record.keptContainers().map((id) => removeContainer(this.host.docker(buildId), id).catch(() => {})));
  }

  /** The build is deleted. */
  async forget(buildId: string): Promise<void> {
    await this.close(buildId);
    this.records.delete(buildId);
    this.made.delete(buildId);
  }

  /** Slipway quits: everything inspection made or kept. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.records.keys()].map((buildId) => this.close(buildId)));
  }

  private async imageFor(buildId: string, stepId: string, target: DebugTarget): Promise<string> {
    const record = this.record(buildId);
    if (target === 'after') return this.afterImage(buildId, stepId);
    if (target === 'paused' && !record.waitingAt(stepId)) throw new NotFoundError(`the build is not paused at ${stepId}`);
    const image = record.startsFrom(stepId);
    if (image === undefined) throw new NotFoundError(`the state ${stepId} starts from is not known yet`);
    if (image === '') throw new NotFoundError(`${stepId} starts an empty scratch stage: there are no files, nor a shell, to open yet`);
    return image;
  }

  /** The failed container committed (once) as a debug image, to run a shell in its state. */
  private afterImage(buildId: string, stepId: string): Promise<string> {
    const debug = this.stepDebug(buildId, stepId);
    if (!debug.afterImage) {
      const containerId = this.record(buildId).failedContainer(stepId);
      debug.afterImage = (async () => {
        if (!containerId || !(await containerExists(this.host.docker(buildId), containerId))) throw new NotFoundError(NOT_KEPT);
        return commitDebugImage(this.host.docker(buildId), containerId, { buildId, stepId });
      })();
      debug.afterImage.catch(() => (debug.afterImage = undefined));
    }
    return debug.afterImage;
  }

  private async removeTarget(buildId: string, stepId: string, target: DebugTarget): Promise<void> {
    const debug = this.made.get(buildId)?.get(stepId);
    const container = debug?.containers.get(target);
    if (!debug || !container) return;
    debug.containers.delete(target);
    await container.then((id) => removeContainer(this.host.docker(buildId), id)).catch(() => {});
  }

  private async removeStep(buildId: string, stepId: string): Promise<void> {
    const debug = this.made.get(buildId)?.get(stepId);
    if (!debug) return;
    this.made.get(buildId)!.delete(stepId);
    // Containers first: an image in use by one cannot go.
    await Promise.all([...debug.containers.values()].map((c) => c.then((id) => removeContainer(this.host.docker(buildId), id)).catch(() => {})));
    if (debug.afterImage) await debug.afterImage.then((id) => removeDebugImage(this.host.docker(buildId), id)).catch(() => {});
  }

  private stepDebug(buildId: string, stepId: string): StepDebug {
    let steps = this.made.get(buildId);
    if (!steps) this.made.set(buildId, (steps = new Map()));
    let debug = steps.get(stepId);
    if (!debug) steps.set(stepId, (debug = { containers: new Map() }));
    return debug;
  }

  private record(buildId: string): DebugRecord {
    const record = this.records.get(buildId);
    if (!record) throw new NotFoundError(`no build ${buildId} ran in this Slipway`);
    return record;
  }

  private session(buildId: string): BuildSession {
    const session = this.host.session(buildId);
    if (!session) throw new NotFoundError(`no build ${buildId}`);
    return session;
  }
}
