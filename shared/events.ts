/**
 * Everything a build reports, as one discriminated union. The CLI's progress output, the
 * renderer's store and the saved build record are all fed by this one stream.
 */
import type { LineRange } from './contract';
import type { BuildGraph } from './graph';
import type { PauseReason, ResumeMode } from './debug';

export type BuildStatus = 'succeeded' | 'failed' | 'cancelled';

/** A build check's warning (BuildKit's rule name and documentation URL) at its lines. */
export interface BuildCheck {
  rule: string;
  message: string;
  url: string;
  range: LineRange;
}

export interface StepError {
  message: string;
  location?: LineRange;
  exitCode?: number;
}

export type CacheDecision =
  | { hit: true; reason: string }
  | { hit: false; reason: string; diff?: CacheDiff };

/** Why a step missed, as data: what the renderer shows next to the reason's words. */
export type CacheDiff =
  /** No earlier build ran a step on this parent image. */
  | { kind: 'new' }
  /** An earlier step of the stage missed, so this one runs on a new parent. */
  | { kind: 'earlier-miss'; stepId?: string }
  | { kind: 'no-cache' }
  | { kind: 'image-gone'; imageId: string }
  /** Compared with the closest earlier step on the same parent image (`step`, built at `created`). */
  | { kind: 'changes'; step: string; created: number; changes: CacheChange[] };

export type CacheChange =
  /**
   * COPY/ADD sources: context paths (or URLs) whose content or metadata changed, appeared or
   * disappeared. `complete` is false when either side recorded no per-file hashes.
   */
  | { kind: 'files'; changed: string[]; added: string[]; removed: string[]; complete: boolean }
  /** Build args (names only: values may be secrets) whose values differ. */
  | { kind: 'build-args'; names: string[] }
  /** Config fields, as JSON text. */
  | { kind: 'config'; fields: { field: string; before: string; after: string }[] }
  /** The instruction itself. */
  | { kind: 'command'; before: string; after: string };

interface Base {
  buildId: string;
  /** Milliseconds since the epoch. */
  time: number;
}

export type BuildEvent =
  | (Base & { type: 'build-started'; graph: BuildGraph; dockerfile: string; context: string; tags: string[] })
  /** `check`: the message is a build check's finding (`text` is its one-line form). */
  | (Base & { type: 'build-message'; level: 'info' | 'warning'; text: string; check?: BuildCheck })
  | (Base & { type: 'step-queued'; stepId: string })
  | (Base & { type: 'step-started'; stepId: string; baseImage?: string })
  | (Base & { type: 'step-cache'; stepId: string; decision: CacheDecision })
  | (Base & { type: 'step-container'; stepId: string; containerId: string })
  | (Base & { type: 'step-log'; stepId: string; stream: 'stdout' | 'stderr'; text: string })
  /** A committed step's layer: its size and how many paths it changed (the diff itself: `slipway:step:layer`). */
  | (Base & { type: 'step-layer'; stepId: string; imageId: string; layerSize: number; added: number; modified: number; deleted: number })
  | (Base & { type: 'step-done'; stepId: string; imageId: string; cached: boolean; size: number; durationMs: number })
  | (Base & { type: 'step-failed'; stepId: string; error: StepError; durationMs: number })
  | (Base & { type: 'step-cancelled'; stepId: string })
  /**
   * The build waits at a step (shared/debug.ts): before it runs (a breakpoint, or stepping;
   * `cached`: it will come from the cache), or at its failure (`containerId`: the failed container).
   * `imageId` is the state the step starts from ('' in an empty scratch stage).
   */
  | (Base & { type: 'step-paused'; stepId: string; reason: PauseReason; imageId: string; cached?: boolean; containerId?: string })
  /** The pause ended: the user resumed, or the step or build was cancelled. */
  | (Base & { type: 'step-resumed'; stepId: string; mode: ResumeMode | 'cancelled' })
  /** The breakpoints changed while the build runs (the initial ones are in its request). */
  | (Base & { type: 'build-breakpoints'; stepIds: string[]; breakOnFailure: boolean })
  | (Base & { type: 'build-finished'; status: BuildStatus; imageId?: string; error?: StepError; durationMs: number });

export type BuildEventType = BuildEvent['type'];
export type EventOf<T extends BuildEventType> = Extract<BuildEvent, { type: T }>;
