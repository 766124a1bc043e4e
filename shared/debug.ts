/**
 * Interactive inspection across the bridge: breakpoints, pausing and resuming a build, shells in
 * the state a step starts from (or failed in), and the files a failed step changed.
 */
import { isArrayOf, isBoolean, isShape, isString, type Validator } from './validate';

/** Why a build waits at a step: its breakpoint, stepping from the last pause, or its failure. */
export type PauseReason = 'breakpoint' | 'step' | 'failure';

/** Continue to the next breakpoint, stop again at the next step, or cancel the build. */
export type ResumeMode = 'continue' | 'step' | 'abort';
export const RESUME_MODES: readonly ResumeMode[] = ['continue', 'step', 'abort'];

/**
 * Where a debug shell runs: `paused` — the state a paused step starts from; `before` — the image
 * a failed step started from; `after` — the failed step's container as it stopped.
 */
export type DebugTarget = 'paused' | 'before' | 'after';
export const DEBUG_TARGETS: readonly DebugTarget[] = ['paused', 'before', 'after'];

/** One path a failed step changed (the engine's container diff). */
export interface FileChange {
  path: string;
  kind: 'added' | 'modified' | 'deleted';
}

/**
 * Directories the engine reports as modified only because something under them changed: noise
 * next to the files themselves, hidden unless asked for.
 */
export function parentOnly(changes: readonly FileChange[]): Set<string> {
  const parents = new Set<string>();
  for (const c of changes) {
    for (let i = c.path.lastIndexOf('/'); i > 0; i = c.path.lastIndexOf('/', i - 1)) parents.add(c.path.slice(0, i));
  }
  return new Set(changes.filter((c) => c.kind === 'modified' && parents.has(c.path)).map((c) => c.path));
}

export interface StepDiff {
  /** The container the changes were read from. */
  containerId: string;
  changes: FileChange[];
}

export interface BreakpointsRequest {
  buildId: string;
  /** Step ids: the build pauses before each of them. */
  breakpoints: string[];
  breakOnFailure: boolean;
}

export interface ResumeRequest {
  buildId: string;
  mode: ResumeMode;
}

export interface DebugShellRequest {
  buildId: string;
  stepId: string;
  target: DebugTarget;
  cols: number;
  rows: number;
}

const oneOf =
  <T extends string>(values: readonly T[]): Validator<T> =>
  (v): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);
const isDimension: Validator<number> = (v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 1000;
/** Step ids are short (`<stage>:<n>`); a breakpoint list has at most one per step. */
const isStepIds: Validator<string[]> = (v): v is string[] => isArrayOf(isString)(v) && v.length <= 10_000 && v.every((s) => s.length <= 300);

export const isBreakpointsRequest = isShape<BreakpointsRequest>({ buildId: isString, breakpoints: isStepIds, breakOnFailure: isBoolean });
export const isResumeRequest = isShape<ResumeRequest>({ buildId: isString, mode: oneOf(RESUME_MODES) });
export const isDebugShellRequest = isShape<DebugShellRequest>({
  buildId: isString,
  stepId: isString,
  target: oneOf(DEBUG_TARGETS),
  cols: isDimension,
  rows: isDimension,
});
export const isDebugStepRef = isShape<{ buildId: string; stepId: string }>({ buildId: isString, stepId: isString });
/** Without a step: everything of the build (the user left it). */
export const isDebugCloseRequest = isShape<{ buildId: string; stepId?: string }>({ buildId: isString, stepId: isString }, ['stepId']);
export { isStepIds };
