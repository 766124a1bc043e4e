/**
 * The renderer's model of a build, and the pure reducer that applies build events to it. The
 * events are the whole truth (the same stream the CLI prints and the build record keeps): the
 * renderer never refetches state, it replays events — from sequence number 0 after a reload.
 */
import type { BuildCheck, BuildStatus, BuildEvent, CacheDecision, EventOf, StepError } from '../../../shared/events';
import type { BuildGraph } from '../../../shared/graph';
import { appendLog, emptyLog, type LogBuffer, type Stream } from './logs';

export type StepStatus = 'pending' | 'queued' | 'running' | 'cached' | 'done' | 'failed' | 'cancelled';

export interface StepView {
  status: StepStatus;
  queuedAt?: number;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  imageId?: string;
  size?: number;
  cache?: CacheDecision;
  containerId?: string;
  baseImage?: string;
  error?: StepError;
  /** The committed layer, as the step-layer event told it (the diff itself is fetched on demand). */
  layer?: { size: number; added: number; modified: number; deleted: number };
  /** The build waits at this step (debug/): why, and the state the step starts from. */
  paused?: StepPause;
}

export type StepPause = Omit<EventOf<'step-paused'>, 'type' | 'buildId' | 'stepId' | 'time'>;

export interface BuildMessage {
  level: 'info' | 'warning';
  text: string;
  time: number;
  /** A build check's warning (rule, lines). */
  check?: BuildCheck;
}

export interface BuildView {
  buildId: string;
  /** Sequence number of the next event this view expects (= events applied so far). */
  seq: number;
  status: 'pending' | 'running' | BuildStatus;
  graph?: BuildGraph;
  dockerfile?: string;
  context?: string;
  tags: string[];
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  imageId?: string;
  error?: StepError;
  messages: BuildMessage[];
  steps: Readonly<Record<string, StepView>>;
  logs: Readonly<Record<string, LogBuffer>>;
  /** Breakpoints changed during the build (else its request's). */
  breakpoints?: { stepIds: string[]; breakOnFailure: boolean };
}

export const PENDING_STEP: StepView = Object.freeze({ status: 'pending' });

export function emptyBuild(buildId: string): BuildView {
  return { buildId, seq: 0, status: 'pending', tags: [], messages: [], steps: {}, logs: {} };
}

export interface ReduceOptions {
  logLimit?: number;
}

const SETTLED: ReadonlySet<StepStatus> = new Set(['done', 'cached', 'failed', 'cancelled']);

/**
 * Applies events (in sequence order, starting at `build.seq`) and returns the new view. `build`
 * is not modified; unchanged steps and logs keep their identity, so a step's node re-renders
 * only when that step changed.
 */
export function reduceEvents(build: BuildView, events: readonly BuildEvent[], options: ReduceOptions = {}): BuildView {
  if (events.length === 0) return build;
  const next: BuildView = { ...build, seq: build.seq + events.length };
  let steps: Record<string, StepView> | undefined;
  const writes = new Map<string, { stream: Stream; text: string }[]>();
  let messages: BuildMessage[] | undefined;

  const step = (id: string): StepView => (steps ?? build.steps)[id] ?? PENDING_STEP;
  const setStep = (id: string, patch: Partial<StepView>) => {
    steps ??= { ...build.steps };
    steps[id] = { ...step(id), ...patch };
  };

  for (const event of events) {
    switch (event.type) {
      case 'build-started':
        next.status = 'running';
        next.graph = event.graph;
        next.dockerfile = event.dockerfile;
        next.context = event.context;
        next.tags = event.tags;
        next.startedAt = event.time;
        break;
      case 'build-message':
        messages ??= build.messages.slice();
        messages.push({ level: event.level, text: event.text, time: event.time, ...(event.check ? { check: event.check } : {}) });
        break;
      case 'step-queued':
        if (step(event.stepId).status === 'pending') setStep(event.stepId, { status: 'queued', queuedAt: event.time });
        break;
      case 'step-started':
        setStep(event.stepId, { status: 'running', startedAt: event.time, ...(event.baseImage ? { baseImage: event.baseImage } : {}) });
        break;
      case 'step-cache':
        setStep(event.stepId, { cache: event.decision });
        break;
      case 'step-container':
        setStep(event.stepId, { containerId: event.containerId });
        break;
      case 'step-log': {
        let list = writes.get(event.stepId);
        if (!list) writes.set(event.stepId, (list = []));
        list.push({ stream: event.stream, text: event.text });
        break;
      }
      case 'step-layer':
        setStep(event.stepId, { layer: { size: event.layerSize, added: event.added, modified: event.modified, deleted: event.deleted } });
        break;
      case 'step-done':
        setStep(event.stepId, {
          status: event.cached ? 'cached' : 'done',
          imageId: event.imageId,
          size: event.size,
          durationMs: event.durationMs,
          endedAt: event.time,
          containerId: undefined,
        });
        break;
      case 'step-failed':
        setStep(event.stepId, { status: 'failed', error: event.error, durationMs: event.durationMs, endedAt: event.time, containerId: undefined });
        break;
      case 'step-cancelled': {
        const current = step(event.stepId);
        if (!SETTLED.has(current.status)) {
          setStep(event.stepId, {
            status: 'cancelled',
            endedAt: event.time,
            containerId: undefined,
            ...(current.startedAt !== undefined ? { durationMs: event.time - current.startedAt } : {}),
          });
        }
        break;
      }
      case 'step-paused':
        // At a failure the step's container has stopped: no shell opens in it (the Debug tab's do).
        setStep(event.stepId, {
          ...(event.reason === 'failure' ? { containerId: undefined } : {}),
          paused: { reason: event.reason, imageId: event.imageId, ...(event.cached !== undefined ? { cached: event.cached } : {}), ...(event.containerId ? { containerId: event.containerId } : {}) },
        });
        break;
      case 'step-resumed':
        setStep(event.stepId, { paused: undefined });
        break;
      case 'build-breakpoints':
        next.breakpoints = { stepIds: event.stepIds, breakOnFailure: event.breakOnFailure };
        break;
      case 'build-finished':
        next.status = event.status;
        next.finishedAt = event.time;
        next.durationMs = event.durationMs;
        if (event.imageId) next.imageId = event.imageId;
        if (event.error) next.error = event.error;
        next.startedAt ??= event.time - event.durationMs;
        break;
      default: {
        // A newer main process may send events this renderer does not know: skip them.
        const unknown: never = event;
        void unknown;
      }
    }
  }

  if (steps) next.steps = steps;
  if (messages) next.messages = messages;
  if (writes.size > 0) {
    const logs = { ...build.logs };
    for (const [stepId, list] of writes) logs[stepId] = appendLog(logs[stepId] ?? emptyLog(options.logLimit), list);
    next.logs = logs;
  }
  return next;
}

export type BatchVerdict =
  /** Apply events from `skip` on (some were already applied). */
  | { kind: 'apply'; skip: number }
  /** Everything in it was applied already. */
  | { kind: 'duplicate' }
  /** Events between what we have and the batch are missing: fetch from `seq`. */
  | { kind: 'gap'; from: number };

/** How a batch starting at sequence number `from` fits a view that expects `seq` next. */
export function judgeBatch(seq: number, from: number, count: number): BatchVerdict {
  if (from > seq) return { kind: 'gap', from: seq };
  if (from + count <= seq) return { kind: 'duplicate' };
  return { kind: 'apply', skip: seq - from };
}

/** For a view with a graph: the step's state (steps never seen by an event are pending). */
export function stepOf(build: BuildView | undefined, stepId: string): StepView {
  return build?.steps[stepId] ?? PENDING_STEP;
}

/** Counts for the header: how many steps in each state. */
export function stepCounts(build: BuildView): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { pending: 0, queued: 0, running: 0, cached: 0, done: 0, failed: 0, cancelled: 0 };
  for (const s of build.graph?.steps ?? []) counts[stepOf(build, s.id).status]++;
  return counts;
}
