/**
 * Everything a build reports, as one discriminated union. The CLI's progress output, the
 * renderer's store and the saved build record are all fed by this one stream.
 */
import type { LineRange } from './contract';
import type { BuildGraph } from './graph';

export type BuildStatus = 'succeeded' | 'failed' | 'cancelled';

export interface StepError {
  message: string;
  location?: LineRange;
  exitCode?: number;
}

export type CacheDecision =
  | { hit: true; reason: string }
  | { hit: false; reason: string };

interface Base {
  buildId: string;
  /** Milliseconds since the epoch. */
  time: number;
}

export type BuildEvent =
  | (Base & { type: 'build-started'; graph: BuildGraph; dockerfile: string; context: string; tags: string[] })
  | (Base & { type: 'build-message'; level: 'info' | 'warning'; text: string })
  | (Base & { type: 'step-queued'; stepId: string })
  | (Base & { type: 'step-started'; stepId: string; baseImage?: string })
  | (Base & { type: 'step-cache'; stepId: string; decision: CacheDecision })
  | (Base & { type: 'step-container'; stepId: string; containerId: string })
  | (Base & { type: 'step-log'; stepId: string; stream: 'stdout' | 'stderr'; text: string })
  | (Base & { type: 'step-done'; stepId: string; imageId: string; cached: boolean; size: number; durationMs: number })
  | (Base & { type: 'step-failed'; stepId: string; error: StepError; durationMs: number })
  | (Base & { type: 'step-cancelled'; stepId: string })
  | (Base & { type: 'build-finished'; status: BuildStatus; imageId?: string; error?: StepError; durationMs: number });

export type BuildEventType = BuildEvent['type'];
export type EventOf<T extends BuildEventType> = Extract<BuildEvent, { type: T }>;
